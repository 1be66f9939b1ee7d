#!/usr/bin/env python3
"""Tolbooth's redaction engine side by side with Microsoft Presidio and
scrubadub, in one run, on the same labelled corpus and the same machine.

    python3 -m venv /tmp/redact-compare
    /tmp/redact-compare/bin/pip install presidio-analyzer scrubadub
    cargo build --release --bin tolbooth
    /tmp/redact-compare/bin/python scripts/compare-redaction.py

Presidio runs its pattern recognizers on a blank spaCy pipeline (no spaCy
model can be downloaded here, so it has no named-entity recognition), with
the UK recognizers switched on and GB as the phone region. scrubadub runs
with the en_GB locale and every detector that needs no model or network.
Tolbooth runs through its command line (`tolbooth redact --jsonl`, the
thorough path, and with `--fast`, the fast one), so its
throughput here includes reading and writing JSON (and is measured on each
batch 25 times over, less the command's start-up); `cargo bench -p
tolbooth-redact` measures the engine alone.

Scoring is the same as `tolbooth redact --evaluate`: a labelled span is
caught when findings of its category cover all of it; a finding is correct
when it overlaps a labelled span of its category. A tool's findings of
types that map to no Tolbooth category are counted apart ("other"), and
count against names kept when they remove a name. Offsets are Unicode code
points throughout.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CONTACT = [
    "email", "phone", "postal_address", "postcode", "ip_address",
    "social_handle", "ni_number", "nhs_number", "card_number",
    "bank_account", "date_of_birth",
]
SPECIAL = [
    "health", "sex_life_or_orientation", "religion_or_belief",
    "political_opinion", "racial_or_ethnic_origin", "trade_union_membership",
    "genetic_or_biometric",
]

# Presidio entity types and scrubadub filth types, mapped to Tolbooth's
# categories where one means the same thing.
PRESIDIO_MAP = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "IP_ADDRESS": "ip_address",
    "UK_NHS": "nhs_number",
    "UK_NINO": "ni_number",
    "UK_POSTCODE": "postcode",
    "CREDIT_CARD": "card_number",
    "IBAN_CODE": "bank_account",
    "DATE_TIME": "date_of_birth",
}
SCRUBADUB_MAP = {
    "email": "email",
    "phone": "phone",
    "postalcode": "postcode",
    "national_insurance_number": "ni_number",
    "credit_card": "card_number",
    "twitter": "social_handle",
    "date_of_birth": "date_of_birth",
}


# --- The corpus format (see crates/tolbooth-redact/src/evaluate.rs) ------

def parse_line(raw):
    text, spans, open_label, i = [], [], None, 0
    while i < len(raw):
        c = raw[i]
        if c == "\\":
            nxt = raw[i + 1]
            text.append("\n" if nxt == "n" else nxt)
            i += 2
            continue
        if c == "{":
            colon = raw.index(":", i)
            open_label = (len(text), raw[i + 1:colon])
            i = colon + 1
            continue
        if c == "}":
            start, label = open_label
            spans.append((start, len(text), label))
            open_label = None
            i += 1
            continue
        text.append(c)
        i += 1
    return "".join(text), spans


def load_corpus(folder):
    messages = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            for line in f.read().split("\n"):
                if not line.strip() or line.startswith("#"):
                    continue
                messages.append(parse_line(line))
    return messages


# --- Scoring -------------------------------------------------------------

def score(messages, findings_per_message):
    """Per-category counts, names kept, and findings of other types."""
    counts = {c: {"gold": 0, "caught": 0, "found": 0, "correct": 0}
              for c in CONTACT + SPECIAL}
    names = kept = other = 0
    for (text, spans), findings in zip(messages, findings_per_message):
        for start, end, label in spans:
            overlapping = [f for f in findings if f[0] < end and start < f[1]]
            if label == "name":
                names += 1
                kept += not overlapping
                continue
            counts[label]["gold"] += 1
            same = [f for f in overlapping if f[2] == label]
            if all(any(f[0] <= i < f[1] for f in same) for i in range(start, end)):
                counts[label]["caught"] += 1
        for f_start, f_end, category in findings:
            if category is None:
                other += 1
                continue
            counts[category]["found"] += 1
            if any(label == category and f_start < end and start < f_end
                   for start, end, label in spans):
                counts[category]["correct"] += 1
    return counts, names, kept, other


def ratio(a, b):
    return a / b if b else 1.0


def totals(counts, group):
    t = {k: sum(counts[c][k] for c in group) for k in ("gold", "caught", "found", "correct")}
    p, r = ratio(t["correct"], t["found"]), ratio(t["caught"], t["gold"])
    f2 = 5 * p * r / (4 * p + r) if p + r else 0.0
    return p, r, f2


# --- The three engines ---------------------------------------------------

def tolbooth_findings(binary, texts, extra=()):
    lines = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts))
    out = subprocess.run([binary, "redact", "--jsonl", *extra], input=lines.encode(),
                         capture_output=True, check=True).stdout.decode()
    result = [[] for _ in texts]
    for line in out.splitlines():
        row = json.loads(line)
        result[row["id"]] = [(f["start"], f["end"], f["category"]) for f in row["findings"]]
    return result


def tolbooth_seconds(binary, texts, extra=()):
    """Wall time of the command on `texts`, less its start-up (the same
    command on one short text)."""
    def run(batch):
        lines = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(batch))
        start = time.perf_counter()
        subprocess.run([binary, "redact", "--jsonl", *extra], input=lines.encode(),
                       capture_output=True, check=True)
        return time.perf_counter() - start
    startup = min(run(["call 07700 900123 or +353 1 234 5678"]) for _ in range(3))
    return max(min(run(texts) for _ in range(3)) - startup, 1e-9)


def presidio_engine():
    # Presidio's email recognizer asks tldextract for the public suffix
    # list, which tries the network first; use the copy the package ships.
    import tldextract
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer import predefined_recognizers as pr
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class BlankSpacy(SpacyNlpEngine):
        """A blank English pipeline: tokens, no trained model."""

        def load(self):
            self.nlp = {"en": spacy.blank("en")}

    nlp = BlankSpacy(models=[{"lang_code": "en", "model_name": "blank"}])
    nlp.load()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
    registry.remove_recognizer("PhoneRecognizer")
    registry.add_recognizer(pr.PhoneRecognizer(supported_regions=("GB",)))
    for uk in (pr.UkNinoRecognizer, pr.UkPostcodeRecognizer):
        registry.add_recognizer(uk())
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])

    def find(text):
        return [(r.start, r.end, PRESIDIO_MAP.get(r.entity_type))
                for r in engine.analyze(text=text, language="en")]
    return find


def scrubadub_engine():
    import scrubadub
    import scrubadub.detectors

    scrubber = scrubadub.Scrubber(locale="en_GB")
    for extra in ("postalcode", "national_insurance_number", "date_of_birth",
                  "credit_card", "twitter"):
        try:
            scrubber.add_detector(extra)
        except Exception:  # already present, or not available offline
            pass

    def find(text):
        return [(f.beg, f.end, SCRUBADUB_MAP.get(f.type))
                for f in scrubber.iter_filth(text)]
    return find


# --- Transcripts for throughput (as in benches/throughput.rs) ------------

def chat_source(messages):
    with open(os.path.join(ROOT, "crates/tolbooth-redact/benches/operator-replies.txt"),
              encoding="utf-8") as f:
        replies = [line for line in f.read().split("\n") if line]
    parts = []
    for i, (text, _) in enumerate(messages):
        parts.append(f"Visitor: {text}\nOperator: {replies[i % len(replies)]}\n")
    return "".join(parts)


def transcripts(source, size, count):
    """`count` texts of about `size` UTF-8 bytes cut from `source` at
    offsets spread over it."""
    doubled = source * 3
    out = []
    for i in range(count):
        at = i * len(source) // count
        piece, n = [], 0
        for ch in doubled[at:]:
            n += len(ch.encode())
            if n > size:
                break
            piece.append(ch)
        out.append("".join(piece))
    return out


def seconds(find, texts):
    start = time.perf_counter()
    for t in texts:
        find(t)
    return time.perf_counter() - start


# --- The report ----------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolbooth", default=os.path.join(ROOT, "target/release/tolbooth"))
    parser.add_argument("--corpus", default=os.path.join(ROOT, "corpus/redaction"))
    args = parser.parse_args()

    messages = load_corpus(args.corpus)
    texts = [t for t, _ in messages]
    engines = [
        ("Tolbooth", None),
        ("Tolbooth (fast)", ("--fast",)),
        ("Presidio (patterns, blank spaCy, UK on)", presidio_engine()),
        ("scrubadub (en_GB)", scrubadub_engine()),
    ]
    print(f"{len(messages)} messages; {time.strftime('%Y-%m-%d')}; "
          f"python {sys.version.split()[0]}\n")

    print("| engine | contact P | contact R | contact F2 | special P | special R "
          "| special F2 | names kept | other findings |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    per_category = {}
    for name, find in engines:
        found = (tolbooth_findings(args.tolbooth, texts) if find is None
                 else tolbooth_findings(args.tolbooth, texts, find) if isinstance(find, tuple)
                 else [find(t) for t in texts])
        counts, names, kept, other = score(messages, found)
        per_category[name] = counts
        cp, cr, cf = totals(counts, CONTACT)
        sp, sr, sf = totals(counts, SPECIAL)
        print(f"| {name} | {cp:.3f} | {cr:.3f} | {cf:.3f} | {sp:.3f} | {sr:.3f} | {sf:.3f} "
              f"| {kept}/{names} | {other} |")

    print("\nRecall per category:\n")
    print("| category | labelled | " + " | ".join(n for n, _ in engines) + " |")
    print("| --- | ---: |" + " ---: |" * len(engines))
    for c in CONTACT + SPECIAL:
        gold = per_category["Tolbooth"][c]["gold"]
        cells = " | ".join(f"{ratio(per_category[n][c]['caught'], gold):.3f}" for n, _ in engines)
        print(f"| {c} | {gold} | {cells} |")

    chat = chat_source(messages)
    print("\nThroughput on chat transcripts (one core; MB/s = bytes / wall time):\n")
    print("| engine | 1 KB x 200 | 10 KB x 20 | 100 KB x 2 |")
    print("| --- | ---: | ---: | ---: |")
    sets = [transcripts(chat, 1_000, 200), transcripts(chat, 10_000, 20),
            transcripts(chat, 100_000, 2)]
    rates = {}
    for name, find in engines:
        row = []
        tolbooth = find is None or isinstance(find, tuple)
        for batch in sets:
            if tolbooth:
                # Enough input that the command's start-up is small beside
                # the work: the same transcripts, 25 times over.
                batch = batch * 25
            size = sum(len(t.encode()) for t in batch)
            took = (tolbooth_seconds(args.tolbooth, batch, find or ()) if tolbooth
                    else seconds(find, batch))
            row.append(size / 1e6 / took)
        rates[name] = row
        print(f"| {name} | " + " | ".join(f"{r:.3f}" for r in row) + " |")
    engine = engine_bench()
    if engine:
        rates["Tolbooth engine"] = engine
        print("| Tolbooth engine (cargo bench, in process) | "
              + " | ".join(f"{r:.3f}" for r in engine) + " |")
    for ours in [n for n in ("Tolbooth", "Tolbooth engine") if n in rates]:
        for name, _ in engines[2:]:
            print(f"\n{ours} / {name}: " + ", ".join(
                f"{b / r:.0f}x" for b, r in zip(rates[ours], rates[name])))


def engine_bench():
    """The engine's own figures for chat transcripts at 1, 10 and 100 KB,
    from `cargo bench -p tolbooth-redact --bench throughput` run now."""
    try:
        out = subprocess.run(
            ["cargo", "bench", "-q", "-p", "tolbooth-redact", "--bench", "throughput"],
            cwd=ROOT, capture_output=True, check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"\n(cargo bench did not run: {e})")
        return None
    rows = [line.split("|") for line in out.splitlines()
            if line.startswith("| thorough | chat transcript")]
    return [float(cells[-2]) for cells in rows[:3]]


if __name__ == "__main__":
    main()
