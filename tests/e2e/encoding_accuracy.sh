# encoding_accuracy.sh - how often gapscan names a file's charset right,
# against ICU alone and uchardet alone, on a labelled corpus.
#
# The corpus is generated here by tests/encoding/make_corpus.py (prose in 26
# languages, 34 charsets, four lengths, XML/HTML with right and wrong
# declarations, ASCII, damaged UTF-8) and judged by tests/encoding/judge.c:
# right = the same text as the true charset decodes to; "undetermined" is
# excused on short files only. Prints the table and files/s; fails when
# gapscan's overall accuracy is below BAR (measured 100.0% at the time of
# writing, ICU alone 84.5%, uchardet alone 81.4%; the project's bar is 97%).
. "$(dirname "$0")/lib.sh"

BAR=${GS_CHARSET_BAR:-97.0}
ENC="$GS_SRCDIR/tests/encoding"

check "corpus is generated" python3 "$ENC/make_corpus.py" "$TMP/corpus"
check "judge compiles" ${CC:-cc} -O2 -o "$TMP/judge" "$ENC/judge.c" \
    $(pkg-config --cflags --libs icu-uc icu-i18n uchardet)

files=$(($(wc -l <"$TMP/corpus/labels.tsv")))
t0=$(date +%s%N)
"$GS_BIN" inspect --json "$TMP/corpus" >"$TMP/inspect.jsonl"
t1=$(date +%s%N)
check "inspect answers for every file" test "$(wc -l <"$TMP/inspect.jsonl")" -eq $((files + 1))
python3 -c '
import json, os, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    print(os.path.basename(o["path"]) + "\t" + o["encoding"])
' "$TMP/inspect.jsonl" >"$TMP/answers.tsv"

"$TMP/judge" "$TMP/corpus/labels.tsv" "$TMP/corpus" "$TMP/answers.tsv" | tee "$TMP/table"
ms=$(((t1 - t0) / 1000000))
echo "# gapscan inspect: $files files in ${ms} ms ($((files * 1000 / (ms > 0 ? ms : 1))) files/s, whole pipeline)"

got=$(sed -n 's/^overall gapscan=\([0-9.]*\).*/\1/p' "$TMP/table")
check "gapscan overall accuracy ${got:-?}% >= $BAR%" \
    python3 -c 'import sys; sys.exit(not float(sys.argv[1]) >= float(sys.argv[2]))' "${got:-0}" "$BAR"
finish
