package sync_test

import "testing"

func pgBackend(t *testing.T) (backend, bool) { return backend{}, false }
