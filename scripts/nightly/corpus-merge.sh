#!/usr/bin/env bash
# corpus-merge.sh: add to corpus/ the inputs of the collected work corpora
# that reach code the committed seeds do not.
# shellcheck source=../ci/lib.sh
source "$(dirname "$0")/../ci/lib.sh"

fuzzrun corpus merge
