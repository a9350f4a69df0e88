#!/usr/bin/python3
# Makes the bundled CJK fonts: Noto Sans CJK SC (from Debian fonts-noto-cjk)
# subset to GB2312 plus Latin, general punctuation, CJK symbols, arrows and
# shapes. Usage: /usr/bin/python3 subset.py gb2312
import sys
from fontTools.ttLib import TTCollection
from fontTools import subset
enc = sys.argv[1]
chars=set(range(0x20,0x7f))|set(range(0xa0,0x180))|set(range(0x2000,0x2070))|set(range(0x3000,0x3040))|set(range(0xff00,0xfff0))|set(range(0x2460,0x24ff))|set(range(0x2190,0x2200))|set(range(0x25a0,0x2600))
for hi in range(0x81,0xff):
    for lo in range(0x40,0xff):
        try:
            c=bytes([hi,lo]).decode(enc)
            chars.add(ord(c))
        except Exception: pass
for w in ('Regular','Bold'):
    c=TTCollection('/usr/share/fonts/opentype/noto/NotoSansCJK-%s.ttc'%w)
    f=c.fonts[2]
    print(f['name'].getDebugName(4))
    opts=subset.Options(); opts.layout_features=['*']; opts.name_IDs=['*']; opts.name_languages=['*']; opts.notdef_outline=True; opts.hinting=False
    s=subset.Subsetter(opts); s.populate(unicodes=chars); s.subset(f)
    f.save('NotoSansSC-%s.otf' % w)
