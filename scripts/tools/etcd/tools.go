//go:build tools

// Package tools pins the etcd main package that scripts/tools.sh builds, so that `go mod tidy`
// keeps what it needs in go.mod and go.sum. It is never compiled (build tag "tools").
package tools

import _ "go.etcd.io/etcd/server/v3"
