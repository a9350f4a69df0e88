package export

import "github.com/civickiosk/kiosk/data"

// Yes and No are the Chinese yes/no written in flag columns.
const (
	Yes = "是"
	No  = "否"
)

func yesNo(b bool) string {
	if b {
		return Yes
	}
	return No
}

// MethodLabel returns the Chinese name of a check-in method as written in
// the 方式 column; an unknown method is written as it is.
func MethodLabel(m data.Method) string {
	switch m {
	case data.MethodQR:
		return "扫码"
	case data.MethodPhone:
		return "手机号"
	case data.MethodStaff:
		return "工作人员"
	case data.MethodAuto:
		return "自动签退"
	}
	return string(m)
}

// DirectionLabel returns 签到 for a check-in and 签退 for a check-out.
func DirectionLabel(d data.Direction) string {
	switch d {
	case data.In:
		return "签到"
	case data.Out:
		return "签退"
	}
	return string(d)
}

// OutcomeLabel returns 成功, 重复 or 拒绝 for accepted, duplicate and refused.
func OutcomeLabel(o data.Outcome) string {
	switch o {
	case data.Accepted:
		return "成功"
	case data.Duplicate:
		return "重复"
	case data.Refused:
		return "拒绝"
	}
	return string(o)
}

// ReasonLabel returns a short Chinese explanation of a refusal or duplicate
// for the 原因 column: "" for no reason, the code itself for an unknown one.
func ReasonLabel(r data.Reason) string {
	switch r {
	case data.ReasonNone:
		return ""
	case data.ReasonUnreadable:
		return "无法识别的码"
	case data.ReasonTampered:
		return "签名无效"
	case data.ReasonRevoked:
		return "通行证已挂失"
	case data.ReasonNoEvent:
		return "当前无可签到活动"
	case data.ReasonChooseEvent:
		return "需选择活动"
	case data.ReasonUnknownEvent:
		return "活动不存在"
	case data.ReasonNotOpen:
		return "不在签到时间内"
	case data.ReasonAlreadyIn:
		return "已签到"
	case data.ReasonAlreadyOut:
		return "已签退"
	case data.ReasonUnknownPhone:
		return "手机号未登记"
	case data.ReasonBadPhone:
		return "手机号无效"
	case data.ReasonStorage:
		return "存储失败"
	}
	return string(r)
}

// DuplicateLabel is the 原因 of a record that repeats the record id (a
// duplicate across kiosks, marked by the hub): "与记录 ID 重复".
func DuplicateLabel(id string) string { return "与记录 " + id + " 重复" }
