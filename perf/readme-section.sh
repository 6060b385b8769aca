# Sourced by run.sh, jmh.sh, propagation.sh and drain.sh: each owns one section of perf/README.md
# (or of TARGET, another Markdown file) between two markers and replaces it with its latest report.
#
#   write_readme_section SCRIPT_NAME REPORT_FILE [TARGET]   # e.g. write_readme_section jmh.sh "$REPORT"

write_readme_section() {
    local name="$1" report="$2"
    local readme begin end
    readme="${3:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/README.md}"
    begin="<!-- $name results: begin (overwritten by perf/$name) -->"
    end="<!-- $name results: end -->"
    grep -qF "$begin" "$readme" || printf '\n%s\n%s\n' "$begin" "$end" >> "$readme"
    awk -v b="$begin" -v e="$end" -v f="$report" '
        $0 == b {print; while ((getline line < f) > 0) print line; skip = 1; next}
        $0 == e {skip = 0}
        !skip {print}' "$readme" > "$readme.tmp" && mv "$readme.tmp" "$readme"
    echo "results written to $readme" >&2
}
