#!/usr/bin/env python3
"""gen.py - write hostile inputs for the e2e hardening tests, at test time.

    gen.py KIND DIR [ARG]

KIND is one of the functions below (xml, json, csv, gzip, text, deep_tree,
many_files, payload_tree). Each writes its files into DIR and prints one
line per file: NAME<TAB>EXPECTED, where EXPECTED is the defect code the
file must produce in `gapscan inspect --json` (or "-" for none). Big files
are written in pieces, so the generator's own memory stays small. Nothing
here is committed as data: the scripts in tests/e2e/ call this into $TMP.
"""
import gzip
import json
import os
import sys
import zlib

MiB = 1 << 20


def out(name, expected):
    print(f"{name}\t{expected}")


def write(d, name, data, expected):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(d, name), mode) as f:
        f.write(data)
    out(name, expected)


def write_repeat(d, name, head, unit, count, tail, expected):
    """head + unit * count + tail, streamed (unit is one piece)."""
    with open(os.path.join(d, name), "wb") as f:
        f.write(head)
        for _ in range(count):
            f.write(unit)
        f.write(tail)
    out(name, expected)


def xml(d, arg):
    """arg: "SECRET_PATH PORT" - a local file and a listening port that must
    never be read or contacted."""
    secret, port = arg.split()
    url = f"http://127.0.0.1:{port}"
    write(d, "xxe_file.xml",
          '<?xml version="1.0"?>\n'
          f'<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>\n'
          "<r><item><a>&x;</a></item><item><a>b</a></item></r>\n",
          "xml.entity_refused")
    write(d, "xxe_url.xml",
          '<?xml version="1.0"?>\n'
          f'<!DOCTYPE r [<!ENTITY x SYSTEM "{url}/entity">]>\n'
          "<r><item><a>&x;</a></item><item><a>b</a></item></r>\n",
          "xml.entity_refused")
    write(d, "xxe_param.xml",
          '<?xml version="1.0"?>\n'
          f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{url}/param"> %p;]>\n'
          "<r><item><a>b</a></item></r>\n",
          "xml.entity_refused")
    write(d, "external_dtd.xml",
          '<?xml version="1.0"?>\n'
          f'<!DOCTYPE r SYSTEM "{url}/dtd">\n'
          "<r><item><a>b</a></item><item><a>c</a></item></r>\n",
          "xml.entity_refused")
    laughs = '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 "lol">\n'
    for i in range(1, 10):
        laughs += f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">\n'
    write(d, "billion_laughs.xml",
          laughs + "]>\n<lolz><a>&lol9;</a></lolz>\n", "xml.entity_expansion")
    big = "A" * 50000
    write(d, "quadratic.xml",
          f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "{big}">]>\n'
          f'<r>{"&a;" * 50000}</r>\n', "xml.entity_expansion")
    write_repeat(d, "deep.xml", b'<?xml version="1.0"?>\n', b"<a>", 100000,
                 b"x" + b"</a>" * 100000 + b"\n", "xml.depth")


def json_(d, arg):
    n = 1000000
    write_repeat(d, "deep_array.json", b"", b"[", n, b"]" * n, "json.too_deep")
    write_repeat(d, "deep_object.json", b"", b'{"a":', n, b"1" + b"}" * n,
                 "json.too_deep")
    write_repeat(d, "deep_line.jsonl", b'{"a":1}\n', b"[", n,
                 b"]" * n + b'\n{"a":2}\n', "json.too_deep")
    write_repeat(d, "huge_number.json", b'[{"n":', b"9" * MiB, 5,
                 b'},{"n":1e999999999},{"n":-' + b"1" * 400
                 + b'.5e-99999},{"n":1}]', "json.field_too_large")
    write_repeat(d, "huge_string.json", b'[{"s":"', b"x" * MiB, 20,
                 b'"},{"s":"ok"}]', "json.field_too_large")


def csv(d, arg):
    write_repeat(d, "field_200mb.csv", b'id,name,note\n1,a,"', b"y" * MiB,
                 200, b'"\n2,b,c\n', "csv.field_too_large")
    write_repeat(d, "line_100mb.csv", b"id,name\n", b"z" * MiB, 100, b"",
                 "csv.field_too_large")
    write(d, "unterminated.csv", 'id,name\n1,"abc\n2,def\n3,ghi\n',
          "csv.unterminated_quote")
    for cols, name, code in ((10000, "cols_10000.csv", "-"),
                             (10001, "cols_10001.csv", "csv.too_many_columns")):
        header = ",".join(f"c{i}" for i in range(cols))
        rows = "\n".join(",".join(str(i + j) for i in range(cols))
                         for j in range(3))
        write(d, name, header + "\n" + rows + "\n", code)


def gzip_(d, arg):
    # Past the ratio limit: deflate's best ratio on repeated bytes is about
    # 1030:1, so 64 MiB become ~65 KB; the limit is checked from 1 MiB on.
    co = zlib.compressobj(9, zlib.DEFLATED, 31, 9)
    with open(os.path.join(d, "bomb.csv.gz"), "wb") as f:
        f.write(co.compress(b"id,v\n"))
        unit = b"1,0\n" * (MiB // 4)
        for _ in range(64):
            f.write(co.compress(unit))
        f.write(co.flush())
    out("bomb.csv.gz", "gzip.ratio_exceeded")
    rows = b"id,name\n" + b"".join(b"%d,n%d\n" % (i, i) for i in range(20000))
    g = gzip.compress(rows, mtime=0)
    write(d, "truncated.csv.gz", g[: len(g) // 2], "gzip.truncated")
    a = b"id,name\n" + b"".join(b"%d,a%d\n" % (i, i) for i in range(100))
    b = b"".join(b"%d,b%d\n" % (i, i) for i in range(100, 200))
    write(d, "concatenated.csv.gz",
          gzip.compress(a, mtime=0) + gzip.compress(b, mtime=0), "-")
    write(d, "plain_text.csv.gz", a, "-")
    rnd = bytes((i * 2654435761 >> 13) & 0xFF for i in range(8192))
    write(d, "binary.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + rnd, "file.binary")


def text(d, arg):
    write(d, "nul.csv", b"id,name\n1,a\x00b\n2,c\n", "encoding.nul_bytes")
    write(d, "nul.txt", b"hello\x00world\nline two\x00\x00\n", "file.binary")
    write(d, "invalid_utf8.txt",
          b"ok line\nbad \xff\xfe here\n"
          b"overlong \xc0\xaf and \xe0\x80\xaf and \xf0\x80\x80\xaf\n"
          b"surrogate \xed\xa0\x80\n", "encoding.invalid_utf8")
    write(d, "utf16le_nobom.txt",
          "Hello world, this is UTF-16 without a byte order mark.\n"
          "A second line of ordinary prose follows here.\n"
          .encode("utf-16-le"), "-")
    write(d, "utf16be_nobom.csv",
          "id,name\n1,alpha\n2,beta\n3,gamma\n".encode("utf-16-be"), "-")
    write(d, "bom_mid_file.csv", b"id,name\n1,a\n\xef\xbb\xbf2,b\n3,c\n",
          "encoding.bom_mid_file")
    write(d, "bidi.csv", "id,name\n1,abc\u202edcba\n2,\u2066iso\u2069\n",
          "encoding.bidi_control")
    write(d, "zero_width.csv", "id,name\n1,zero\u200bwidth\n2,join\u2060er\n",
          "encoding.zero_width")


def deep_tree(d, arg):
    """arg: levels. Names of 9 bytes, so 500 levels (5,000 bytes) pass
    PATH_MAX (4,096): built relative to directory fds, as a walker must."""
    fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(int(arg)):
        os.mkdir("level_dir", dir_fd=fd)
        nfd = os.open("level_dir", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = nfd
    leaf = os.open("leaf.csv", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(leaf, b"id,leaf\n1,yes\n")
    os.close(leaf)
    os.close(fd)
    out("leaf.csv", "-")


def many_files(d, arg):
    """arg: count; each file gets its own made-up collection name (letters
    only, so no two names fold into one collection)."""
    n = int(arg)
    for i in range(n):
        name, k = "", i
        for _ in range(4):
            name += chr(ord("a") + k % 26)
            k //= 26
        with open(os.path.join(d, f"{name}{chr(ord('a') + (i % 7))}.csv"),
                  "w") as f:
            f.write("id,v\n1,2\n")
    out(str(n), "-")


if __name__ == "__main__":
    kinds = {"xml": xml, "json": json_, "csv": csv, "gzip": gzip_,
             "text": text, "deep_tree": deep_tree, "many_files": many_files}
    kind, d = sys.argv[1], sys.argv[2]
    os.makedirs(d, exist_ok=True)
    kinds[kind](d, sys.argv[3] if len(sys.argv) > 3 else "")
