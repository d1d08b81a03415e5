// Package ossfuzz owns daemonfuzz's export to OSS-Fuzz and ClusterFuzzLite:
// the generated project files (build.sh with one compile_native_go_fuzzer
// line per target, Dockerfile, project.yaml, the .clusterfuzzlite/ files and
// the cflite_pr/cflite_batch workflows), the per-fuzzer seed corpus zips,
// dictionaries and options written at build time, and the conversion of
// inputs between Go's fuzzing world and libFuzzer's.
//
// The two worlds encode a fuzz argument differently. `go test -fuzz` hands a
// target's []byte argument over as is, and stores it in `go test fuzz v1`
// files. Under OSS-Fuzz, go-118-fuzz-build's testing shim ignores F.Add and
// testdata/fuzz, and decodes every argument of the fuzz function from the
// libFuzzer input with a go-fuzz-headers consumer: a []byte is a 4-byte
// big-endian length followed by the bytes (see EncodeBytes). Seeds handed to
// libFuzzer must therefore be encoded, and a libFuzzer test case must be
// decoded before Go can replay it.
package ossfuzz
