#!/usr/bin/env python3
"""The iOS app's texts, checked without Xcode (Python 3 standard library only).

1. Every *.strings file of McertApp/zh-Hans.lproj parses, and so does its twin in en.lproj; both
   have the same keys, no key twice, and the same format arguments (`%1$@`, `%1$ld`) per key.
2. Every id the views ask for with L("id") is a key of Localizable.strings.
3. No string literal in the views (McertApp/*.swift) holds Chinese text or full-width punctuation:
   those belong in the .strings files.
4. The logic's own table (McertKit/.../Texts.swift) has the same ids in zh and en.

Usage: python3 ios/scripts/check-strings.py [IOS_DIR]   (IOS_DIR defaults to this script's ios/)
Prints one line per problem and a summary; exits 1 when there is a problem.
"""
import pathlib
import re
import sys

LANGUAGES = ("zh-Hans", "en")
FORMAT = re.compile(r"%(?:(\d+)\$)?[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|q|z|t|j)?([@dDuUxXoOfeEgGcCsSp%])")
# CJK ideographs and the full-width / CJK punctuation a view must not hard-code.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def parse_strings(path):
    """Key → value of a .strings file (the "key" = "value"; form); raises ValueError."""
    text = path.read_text(encoding="utf-8")
    pairs, i, n = [], 0, len(text)

    def skip(i):
        while i < n:
            if text[i].isspace():
                i += 1
            elif text.startswith("/*", i):
                end = text.find("*/", i + 2)
                if end < 0:
                    raise ValueError(f"{path}: unterminated comment")
                i = end + 2
            elif text.startswith("//", i):
                end = text.find("\n", i)
                i = n if end < 0 else end + 1
            else:
                break
        return i

    def quoted(i):
        if i >= n or text[i] != '"':
            raise ValueError(f"{path}:{text.count(chr(10), 0, i) + 1}: expected a quoted string")
        out, i = [], i + 1
        while i < n and text[i] != '"':
            if text[i] == "\\" and i + 1 < n:
                out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(text[i + 1], text[i + 1]))
                i += 2
            else:
                out.append(text[i])
                i += 1
        if i >= n:
            raise ValueError(f"{path}: unterminated string")
        return "".join(out), i + 1

    def expect(i, c):
        i = skip(i)
        if i >= n or text[i] != c:
            raise ValueError(f"{path}:{text.count(chr(10), 0, i) + 1}: expected {c!r}")
        return i + 1

    i = skip(i)
    while i < n:
        key, i = quoted(i)
        i = expect(i, "=")
        value, i = quoted(skip(i))
        i = expect(i, ";")
        pairs.append((key, value))
        i = skip(i)
    return pairs


def arguments(value):
    """The format arguments of a value, by position: {1: '@', 2: 'ld'}."""
    out, next_pos = {}, 1
    for m in FORMAT.finditer(value):
        if m.group(2) == "%":
            continue
        pos = int(m.group(1)) if m.group(1) else next_pos
        next_pos = pos + 1
        out[pos] = m.group(0)[-1]
    return out


def strip_comments(src):
    src = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), src, flags=re.S)
    return re.sub(r"//[^\n]*", "", src)


def main():
    ios = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    app = ios / "McertApp"
    problems = []
    tables = {}
    names = sorted({p.name for lang in LANGUAGES for p in (app / f"{lang}.lproj").glob("*.strings")})
    if not names:
        problems.append(f"no .strings files under {app}/*.lproj")
    for name in names:
        per_lang = {}
        for lang in LANGUAGES:
            path = app / f"{lang}.lproj" / name
            if not path.exists():
                problems.append(f"{path}: missing")
                continue
            try:
                pairs = parse_strings(path)
            except ValueError as e:
                problems.append(str(e))
                continue
            seen = {}
            for key, value in pairs:
                if key in seen:
                    problems.append(f"{path}: key {key!r} twice")
                seen[key] = value
            per_lang[lang] = seen
        if len(per_lang) == len(LANGUAGES):
            zh, en = (per_lang[lang] for lang in LANGUAGES)
            for key in sorted(zh.keys() - en.keys()):
                problems.append(f"{name}: {key!r} in zh-Hans but not in en")
            for key in sorted(en.keys() - zh.keys()):
                problems.append(f"{name}: {key!r} in en but not in zh-Hans")
            for key in sorted(zh.keys() & en.keys()):
                if arguments(zh[key]) != arguments(en[key]):
                    problems.append(f"{name}: {key!r} has arguments {zh[key]!r} in zh-Hans but {en[key]!r} in en")
        tables[name] = per_lang

    localizable = set().union(*(t.keys() for t in tables.get("Localizable.strings", {}).values()))
    used = 0
    for swift in sorted(app.glob("*.swift")):
        src = strip_comments(swift.read_text(encoding="utf-8"))
        for m in re.finditer(r'\bL\(\s*(?:[^"(),]*\?\s*)?"(\w+)"(?:\s*:\s*"(\w+)")?', src):
            for key in filter(None, m.groups()):
                used += 1
                if key not in localizable:
                    line = src.count("\n", 0, m.start()) + 1
                    problems.append(f"{swift}:{line}: L({key!r}) is not in Localizable.strings")
        for m in LITERAL.finditer(src):
            if CJK.search(m.group(0)):
                line = src.count("\n", 0, m.start()) + 1
                problems.append(f"{swift}:{line}: text in code, not in Localizable.strings: {m.group(0)}")

    texts = ios / "McertKit" / "Sources" / "McertKit" / "Texts.swift"
    if texts.exists():
        src = texts.read_text(encoding="utf-8")
        dicts = dict(re.findall(r"static let (zh|en): \[String: String\] = \[(.*?)\n    \]", src, re.S))
        keys = {lang: re.findall(r'^\s*"(\w+)":', body, re.M) for lang, body in dicts.items()}
        if set(keys) != {"zh", "en"}:
            problems.append(f"{texts}: the zh and en tables were not found")
        else:
            for lang in ("zh", "en"):
                for key in sorted({k for k in keys[lang] if keys[lang].count(k) > 1}):
                    problems.append(f"{texts}: {key!r} twice in {lang}")
            for key in sorted(set(keys["zh"]) ^ set(keys["en"])):
                problems.append(f"{texts}: {key!r} only in {'zh' if key in keys['zh'] else 'en'}")

    for p in problems:
        print(p)
    counts = ", ".join(f"{n} {len(next(iter(t.values()), {}))} keys" for n, t in tables.items())
    print(f"check-strings: {counts or 'no tables'}; {used} L() uses in the views; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
