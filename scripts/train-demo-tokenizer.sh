#!/usr/bin/env bash
# Rebuilds samples/demo/tokenizer/sentencepiece.bpe.model: a 2,000-piece SentencePiece unigram
# model (nmt_nfkc, XLM-R's special-piece layout: <unk>=0, <s>=1, </s>=2) trained on the demo's
# own text. No package ships an XLM-R-style tokenizer, so the offline demo carries this one; the
# committed file is what the demo uses, and this script says how it was made (spm_train is not
# bit-reproducible: a rerun gives an equivalent model, not the same bytes). Needs Debian's
# `sentencepiece` package (spm_train); users never run it.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v spm_train >/dev/null || { echo "needs spm_train: apt-get install sentencepiece" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  cat samples/demo/unlabeled/*.txt
  for f in samples/demo/*/train.txt; do
    awk 'NF == 0 { if (s != "") print s; s = ""; next } { s = (s == "" ? $1 : s " " $1) } END { if (s != "") print s }' "$f"
  done
  # Every printable ASCII and Latin-1 character once, so that none of them is unknown
  # (the demo's test split has digits its training text lacks).
  for c in $(seq 33 126) $(seq 161 255); do printf "\\U$(printf %08x "$c") "; done | xargs -0 printf '%b\n'
} > "$work/text.txt"
spm_train --input="$work/text.txt" --model_prefix="$work/demo" --vocab_size=2000 --model_type=unigram \
  --character_coverage=1.0 --hard_vocab_limit=false --unk_id=0 --bos_id=1 --eos_id=2 --pad_id=-1 \
  --num_threads=1 --minloglevel=1
mkdir -p samples/demo/tokenizer
cp "$work/demo.model" samples/demo/tokenizer/sentencepiece.bpe.model
echo "wrote samples/demo/tokenizer/sentencepiece.bpe.model"
