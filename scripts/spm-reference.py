#!/usr/bin/env python3
"""Writes tests/Melm.Models.Tests/Text/Data/spm-reference.jsonl: lines of [text, ids], the ids the
reference C++ SentencePiece gives the text with the shared XLM-R model. Needs Debian's python3-sentencepiece.
Run from the repository root: python3 scripts/spm-reference.py ../shared/fixtures/spm/xlmr-trimmed-32k.model
Strings: every character the model's character map rewrites (alone and between letters), and
seeded random mixes of scripts, symbols, combining marks, spaces and control characters."""
import json, random, sys
import sentencepiece as spm

sp = spm.SentencePieceProcessor(model_file=sys.argv[1])
# 0.1.97 has no normalize(): a character is rewritten when its pieces do not spell '▁' + itself.
rewritten = [chr(c) for c in range(0x20, 0x30000)
             if not 0xD800 <= c < 0xE000 and ''.join(sp.encode(chr(c), out_type=str)) != '\u2581' + chr(c)]
rnd = random.Random(20221)
ranges = [(0x0, 0x20), (0x20, 0x7F), (0xA0, 0x250), (0x300, 0x370), (0x370, 0x530), (0x600, 0x700),
          (0x900, 0x980), (0x2000, 0x2070), (0x2460, 0x2500), (0x3000, 0x3100), (0x4E00, 0x4F00),
          (0xAC00, 0xAC80), (0xFB00, 0xFB50), (0xFE00, 0xFE10), (0xFF00, 0xFFF0), (0x1D400, 0x1D500),
          (0x1F300, 0x1F700)]
mixes = []
for _ in range(2000):
    mixes.append(''.join(chr(rnd.randrange(*rnd.choice(ranges))) for _ in range(rnd.randint(1, 14))))
strings = [s for c in rewritten for s in (c, 'a' + c + 'b')] + mixes
with open('tests/Melm.Models.Tests/Text/Data/spm-reference.jsonl', 'w', encoding='ascii') as out:
    for s in strings:
        out.write(json.dumps([s, sp.encode(s)], separators=(',', ':')) + '\n')
print(len(strings), 'strings')
