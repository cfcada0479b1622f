#!/usr/bin/env bash
# Chooses MELM's generation settings on dev data only: runs dev/base.json and one variant per
# setting changed from it (one factor at a time), then prints each variant's MELM tagger dev F1
# (best epoch, mean over the grid's cells) beside gold-only's. Test F1 is printed last, for the
# record, and is never what the choice reads.
#
#   benchmarks/grids/dev/sweep.sh [MELM...]    (default MELM: dotnet run --project src/Melm.Host -c Release --)
#
# A variant that changes only generation settings starts from the base's sample, gold tagger and
# fine-tuned MELM (copied into its folder): a fresh run draws the same sample and trains the same
# models from the same seed, so the copy saves time and changes no byte. Needs jq, ../shared, and
# the two models it compares: the README's salient-masking `melm pretrain` command with
# `--steps 1750 --out .melm/models/salient-conll-1750` and `--steps 750 --out .melm/models/salient-step750`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."
melm=("$@")
[ ${#melm[@]} -gt 0 ] || melm=(dotnet run --project src/Melm.Host -c Release --)

base="$here/base.json"
abs() { realpath -m "$here/$(jq -r "$1" "$base")"; }
conll="$(abs .conll)"; model="$(abs .model)"; base_out="$(abs .out)"
dir="$(dirname "$base_out")"
mkdir -p "$dir"

# name | jq update of the base grid ($root: the repository) | reuses the base's fine-tuned MELM
variants=(
  "filter-mentions|.generation.filter = \"mentions\"|yes"
  "filter-no-worse|.generation.filter = \"no-worse\"|yes"
  "sampling-weighted|.generation.sampling = \"weighted\"|yes"
  "sampling-exclude-original|.generation.sampling = \"exclude-original\"|yes"
  "mu-0.3|.generation.mu = 0.3|yes"
  "mu-0.7|.generation.mu = 0.7|yes"
  "rounds-1|.generation.rounds = 1|yes"
  "rounds-5|.generation.rounds = 5|yes"
  'model-step-750|.model = "\($root)/.melm/models/salient-step750"|no'
)

"${melm[@]}" experiment --grid "$base"
names=(base)
for v in "${variants[@]}"; do
  IFS='|' read -r name update reuse <<<"$v"
  # The variant's grid sits beside the outputs, with the base's data and model as absolute paths.
  jq --arg c "$conll" --arg m "$model" --arg o "$name" --arg root "$(pwd)" \
    ".conll = \$c | .model = \$m | .out = \$o | $update" "$base" > "$dir/$name.json"
  if [ "$reuse" = yes ]; then
    for cell in "$base_out"/*/; do
      to="$dir/$name/$(basename "$cell")"
      mkdir -p "$to/melm"
      [ -d "$to/sample" ] || cp -r "$cell/sample" "$cell/gold-only" "$to/"
      [ -d "$to/melm/model" ] || cp -r "$cell/melm/model" "$to/melm/"
    done
  fi
  "${melm[@]}" experiment --grid "$dir/$name.json"
  names+=("$name")
done

echo
echo "| variant | MELM dev F1 en | MELM dev F1 es | MELM dev F1 mean | gold-only dev F1 mean | MELM kept / made | MELM test F1 mean (not used) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for name in "${names[@]}"; do
  jq -r --arg n "$name" '
    def r2: . * 100 | round / 100 | tostring;
    def mean: add / length;
    (.rows | map(select(.method == "melm")) | map(.runs[] + {language: .language})) as $m
    | (.rows | map(select(.method == "gold-only")) | map(.runs[])) as $g
    | [ $n,
        ($m | map(select(.language == "en") | .best_dev_f1) | mean | r2),
        ($m | map(select(.language == "es") | .best_dev_f1) | mean | r2),
        ($m | map(.best_dev_f1) | mean | r2),
        ($g | map(.best_dev_f1) | mean | r2),
        "\($m | map(.diagnostics.kept // 0) | add) / \($m | map(.diagnostics.rewrites_made // 0) | add)",
        ($m | map(.f1) | mean | r2)
      ] | "| " + join(" | ") + " |"' "$dir/$name/results.json"
done
