//go:build tools

package corednsfuzz

// OSS-Fuzz's compile_native_go_fuzzer links the fuzz tests of this module
// with go-118-fuzz-build's testing shim, run in this directory (build.sh's
// "(cd fuzz/coredns && ...)"), so this module needs the shim and its
// dependencies in go.mod and go.sum, as the root module has them through its
// own fuzz targets.
import _ "github.com/AdamKorcz/go-118-fuzz-build/testing"
