"""Check the labelled triage sets: format, codes, label consistency with docs/triage-policy.md, coverage.

Run from anywhere with the standard library only:

    python3 data/triage/validate.py

Exits non-zero when a line is malformed, a code is unknown, a label contradicts a mechanical rule of the
policy, or a coverage target is missed. Prints the counts either way.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _engine_codes():
    """The engine's own code lists (src/anxin/triage/codes.py), loaded by path: that file needs nothing but
    Python, while importing the package would pull in the engine and its dependencies."""
    path = HERE.parents[1] / "src" / "anxin" / "triage" / "codes.py"
    spec = importlib.util.spec_from_file_location("anxin_triage_codes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CODES = _engine_codes()

CATEGORIES, URGENCIES, DISPOSITIONS = set(CODES.CATEGORIES), list(CODES.URGENCIES), set(CODES.DISPOSITIONS)
P1_FLAGS = {"convulsion", "dyspnea", "spo2_low", "altered_consciousness", "chest_pain", "cyanosis"} | set(
    CODES.RED_FLAGS[CODES.RED_FLAGS.index("stroke_signs") :]
)  # the issue-13 flags are all P1 discriminators (docs/triage-policy.md §2)
P2_FLAGS = {
    "infant_fever": "fever_clinic",
    "pregnancy_warning": "doctor_callback",
    "high_fever_persistent": "fever_clinic",
    "dialysis_missed": "doctor_callback",
    "severe_dehydration": "doctor_callback",
}
RED_FLAGS = set(CODES.RED_FLAGS)
ORIGINAL_FLAGS = set(CODES.RED_FLAGS[: CODES.RED_FLAGS.index("stroke_signs")])
assert P1_FLAGS | set(P2_FLAGS) | {"suicidal_ideation"} == RED_FLAGS, "the policy checks below name every flag"
CONDITIONS = set(CODES.CONDITIONS)
COMPLAINTS = set(CODES.COMPLAINTS)
CHRONIC = {"hypertension", "diabetes", "copd", "heart_disease", "ckd_dialysis", "cancer_chemo"}
CHANNELS = set(CODES.CHANNELS)
TAGS = {
    "numerals",
    "colloquial_number",
    "fullwidth",
    "traditional",
    "negation",
    "history",
    "hypothetical",
    "third_party",
    "typo",
    "emoji",
    "field_override",
    "long_story",
    "group_infant",
    "group_child",
    "group_pregnant",
    "group_elderly",
    "group_chronic",
    "group_dialysis",
    "group_chemo",
    "channel",
    "hard_negative",
    # issue 13
    "figurative",
    "dialect",
    "minor",
    "mixed_request",
    "calm_tone",
}
FIELDS = {"age", "sex", "temperature_c", "spo2", "pregnancy_weeks", "conditions", "channel"}
KEYS = {"id", "text", "gold", "tags", "note"} | FIELDS

# Default disposition(s) a category may take at P3/P4 (the policy's category table, plus the group-threshold
# doctor_callback and the home_visit rule).
CATEGORY_DISPOSITIONS = {
    "medical_consult": {"answer_closed", "doctor_callback", "home_visit"},
    "care_navigation": {"home_visit", "appointment", "fever_clinic"},
    "medication": {"medication_delivery"},
    "psych_support": {"psych_counselor", "answer_closed"},  # answer_closed: positively minor (policy §3)
    "supplies": {"volunteer_errand"},
    "policy": {"answer_closed"},
    "vaccination": {"answer_closed", "home_visit"},
    "testing": {"answer_closed", "home_visit"},
    "report_clue": {"department_dispatch"},
    "complaint": {"department_dispatch"},
    "suggestion": {"answer_closed"},
    "other": {"answer_closed"},
}
URGENCY_DISPOSITIONS = {
    "P1": {"call_120"},
    "P2": {"fever_clinic", "doctor_callback", "psych_counselor", "community_transfer", "department_dispatch"},
    "P3": {
        "appointment",
        "fever_clinic",
        "medication_delivery",
        "psych_counselor",
        "volunteer_errand",
        "department_dispatch",
        "home_visit",
        "doctor_callback",
    },
    "P4": {"answer_closed"},
}

FULLWIDTH = re.compile("[\uff10-\uff19]")
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b50\u2b55]")
# Characters that only occur in Traditional writing (their Simplified forms differ).
TRADITIONAL = set(
    "這個們說話還時後來會對過與為東車門長開關間見現點體醫藥發燒燙嚨嗎麼請問試驗測檢陽陰氣壓覺給從樣裡裏難聽頭臉"
    "腳腫電沒應該錢買賣壞幫嬤媽歲週寶導緊張親單區種務議處樂愛產兒孫學習動靜熱診療厲鐘剛暈懷護讓腎辦鄉續國際窩顆塊"
    "傷殺遺寫謝臥觸語報鍵響經無數級擔據變糧傳舊紅環藍錯誤閉裝獨鬧戶進淚慮爺歡嚴線聯繫結須隊員轉讀鬆"
)
NUMBER_TAGS = {"numerals", "colloquial_number"}


def fail(errors: list[str], where: str, msg: str) -> None:
    errors.append(f"{where}: {msg}")


def urg_le(a: str, b: str) -> bool:
    """a is at least as urgent as b."""
    return URGENCIES.index(a) <= URGENCIES.index(b)


def check_row(row: dict, where: str, errors: list[str], *, strict_tags: bool = True) -> None:
    """``strict_tags``: the tags that can be seen in the text must be exactly right (the hand-checked dev and
    old held-out sets); the later sets are only checked for known tags."""
    unknown = set(row) - KEYS
    if unknown:
        fail(errors, where, f"unknown keys {sorted(unknown)}")
    if not isinstance(row.get("id"), str) or not isinstance(row.get("text"), str) or not row["text"].strip():
        fail(errors, where, "id and text must be non-empty strings")
        return
    text = row["text"]
    gold = row.get("gold") or {}
    if set(gold) - {"complaint"} != {"category", "urgency", "disposition", "red_flags"}:
        fail(errors, where, f"gold keys {sorted(gold)}")
        return
    if "complaint" in gold and gold["complaint"] is not None and gold["complaint"] not in COMPLAINTS:
        fail(errors, where, f"complaint {gold['complaint']}")
    cat, urg, disp, flags = gold["category"], gold["urgency"], gold["disposition"], gold["red_flags"]
    tags = row.get("tags", [])
    if cat not in CATEGORIES:
        fail(errors, where, f"category {cat}")
    if urg not in URGENCIES:
        fail(errors, where, f"urgency {urg}")
        return
    if disp not in DISPOSITIONS:
        fail(errors, where, f"disposition {disp}")
    if not isinstance(flags, list) or set(flags) - RED_FLAGS or len(set(flags)) != len(flags):
        fail(errors, where, f"red_flags {flags}")
        return
    if not isinstance(tags, list) or set(tags) - TAGS or len(set(tags)) != len(tags):
        fail(errors, where, f"tags {tags}")
    # structured fields
    age, temp, spo2 = row.get("age"), row.get("temperature_c"), row.get("spo2")
    conds = row.get("conditions", [])
    for k in ("age", "temperature_c", "spo2", "pregnancy_weeks"):
        if k in row and not isinstance(row[k], (int, float)):
            fail(errors, where, f"{k} must be a number")
    if "sex" in row and row["sex"] not in {"M", "F"}:
        fail(errors, where, "sex")
    if not isinstance(conds, list) or set(conds) - CONDITIONS:
        fail(errors, where, f"conditions {conds}")
    if "channel" in row and row["channel"] not in CHANNELS:
        fail(errors, where, f"channel {row['channel']}")

    # urgency / disposition / category consistency with the policy
    if disp not in URGENCY_DISPOSITIONS[urg]:
        fail(errors, where, f"{disp} is not a {urg} disposition")
    p1_flags = set(flags) & P1_FLAGS
    if p1_flags and urg != "P1":
        fail(errors, where, f"P1 flag {sorted(p1_flags)} but {urg}")
    if urg == "P1" and cat != "emergency" and not (cat == "psych_support" and "suicidal_ideation" in flags):
        fail(errors, where, "a P1 case is emergency unless imminent suicidal ideation")
    if "suicidal_ideation" in flags:
        if cat != "psych_support" and not p1_flags:
            fail(errors, where, "suicidal ideation stays psych_support")
        if (urg, disp) not in {("P1", "call_120"), ("P2", "psych_counselor")}:
            fail(errors, where, "suicidal ideation is P2 psych_counselor or P1 call_120")
    elif cat == "psych_support" and urg == "P1":
        fail(errors, where, "psych_support P1 without suicidal ideation")
    for f, d in P2_FLAGS.items():
        if f in flags and not urg_le(urg, "P2"):
            fail(errors, where, f"{f} needs at least P2")
        unreachable = f == "dialysis_missed" and disp == "community_transfer"  # 联系不上: a welfare check
        if f in flags and urg == "P2" and disp != d and not unreachable:
            fail(errors, where, f"{f} at P2 is {d}")
    if urg in {"P3", "P4"} and disp not in CATEGORY_DISPOSITIONS.get(cat, set()):
        fail(errors, where, f"{cat} at {urg} does not take {disp}")
    if urg == "P4" and disp != "answer_closed":
        fail(errors, where, "P4 is answer_closed")

    # structured fields count like words
    if spo2 is not None:
        if spo2 <= 93 and "spo2_low" not in flags:
            fail(errors, where, "spo2 field <= 93 without spo2_low")
        if age is not None and age < 5 and spo2 in (94, 95) and not urg_le(urg, "P2"):
            fail(errors, where, "child under 5 with spo2 94-95 needs P2")
    if temp is not None:
        if temp >= 41 and not urg_le(urg, "P2"):
            fail(errors, where, "temperature >= 41 needs P2")
        if age is not None and age < 0.25 and temp >= 38 and "infant_fever" not in flags:
            fail(errors, where, "infant under 3 months >= 38 without infant_fever")
        if age is not None and 0.25 <= age < 0.5 and temp >= 39 and "infant_fever" not in flags:
            fail(errors, where, "infant 3-6 months >= 39 without infant_fever")
        if set(conds) & {"cancer_chemo", "immunosuppressed"} and temp >= 38 and not urg_le(urg, "P2"):
            fail(errors, where, "chemo/immunosuppressed fever needs P2")
        if age is not None and age >= 80 and temp >= 38 and not urg_le(urg, "P2"):
            fail(errors, where, "80+ with fever needs P2")
        if "pregnancy_weeks" in row and temp > 38 and "pregnancy_warning" not in flags:
            fail(errors, where, "pregnant with > 38 without pregnancy_warning")
        if temp >= 39 and age is not None and age < 18 and not urg_le(urg, "P3"):
            fail(errors, where, "child >= 39 needs P3")
        if (
            temp >= 37.3
            and ((age is not None and age >= 60) or set(conds) & CHRONIC)
            and not urg_le(urg, "P3")
        ):
            fail(errors, where, "high-risk group with fever needs P3")
    if row.get("channel") == "one_key_device" and not urg_le(urg, "P2"):
        fail(errors, where, "one_key_device is at least P2")
    medical_need = cat in {"medical_consult", "vaccination", "testing"}
    if "disabled" in conds and urg in {"P3", "P4"} and medical_need and disp != "home_visit":
        fail(errors, where, "a medical need of a disabled person at P3/P4 is home_visit")

    # tags that can be checked from the text
    if "hard_negative" in tags and urg == "P1":
        fail(errors, where, "a hard negative must not be P1")
    if len(text) > 250:
        fail(errors, where, f"text longer than 250 characters ({len(text)})")
    if not strict_tags:
        return
    checks = {
        "fullwidth": bool(FULLWIDTH.search(text)),
        "emoji": bool(EMOJI.search(text)),
        "traditional": bool(set(text) & TRADITIONAL),
        "channel": "channel" in row,
    }
    for tag, seen in checks.items():
        if seen != (tag in tags):
            fail(errors, where, f"tag {tag} is {'missing' if seen else 'not supported by the text/fields'}")
    if ("long_story" in tags) != (len(text) >= 80):
        fail(errors, where, f"long_story tag vs length {len(text)}")


def load(path: Path, errors: list[str], *, strict_tags: bool = True) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            where = f"{path.name}:{n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                fail(errors, where, f"not JSON: {e}")
                continue
            if json.dumps(row, ensure_ascii=False) != line.rstrip("\n"):
                fail(errors, where, "not written with ensure_ascii=False on one line")
            check_row(row, f"{where} {row.get('id')}", errors, strict_tags=strict_tags)
            rows.append(row)
    return rows


def bigrams(text: str) -> set[str]:
    t = re.sub(r"\s", "", text)
    return {t[i : i + 2] for i in range(len(t) - 1)}


def report(name: str, rows: list[dict], targets: dict, errors: list[str]) -> None:
    n = len(rows)
    golds = [r["gold"] for r in rows]
    cats = Counter(g["category"] for g in golds)
    urgs = Counter(g["urgency"] for g in golds)
    disps = Counter(g["disposition"] for g in golds)
    flags = Counter(f for g in golds for f in g["red_flags"])
    tags = Counter(t for r in rows for t in r["tags"])
    with_fields = sum(1 for r in rows if set(r) & FIELDS)
    numbers = sum(1 for r in rows if set(r["tags"]) & NUMBER_TAGS)
    hard = sum(1 for r in rows if "hard_negative" in r["tags"] and r["gold"]["urgency"] != "P1")
    channels = Counter(r["channel"] for r in rows if "channel" in r)
    print(f"== {name}: {n} cases, {with_fields} with structured fields ({with_fields / n:.0%})")
    print("urgency:    ", ", ".join(f"{u} {urgs[u]} ({urgs[u] / n:.0%})" for u in URGENCIES))
    print("category:   ", dict(cats.most_common()))
    print("disposition:", dict(disps.most_common()))
    print("red flags:  ", dict(flags.most_common()))
    print("tags:       ", dict(tags.most_common()))
    print("channels:   ", dict(channels.most_common()))
    print(f"hard negatives (not P1): {hard}; with Chinese/colloquial numbers: {numbers}")

    def need(label: str, got: int, want: int) -> None:
        if got < want:
            fail(errors, name, f"{label}: {got} < {want}")

    need("cases", n, targets["cases"])
    for c in sorted(CATEGORIES):
        need(f"category {c}", cats[c], targets["per_code"])
    for d in sorted(DISPOSITIONS):
        need(f"disposition {d}", disps[d], targets["per_code"])
    for f in sorted(ORIGINAL_FLAGS):  # the sets of issue 3 cover its twelve flags; training covers the rest
        need(f"red flag {f}", flags[f], targets["per_flag"])
    for u in URGENCIES:
        need(f"urgency {u}", urgs[u], 1)
    lo_hi = {"P1": (0.25, 0.30), "P2": (0.22, 0.28), "P3": (0.22, 0.28), "P4": (0.20, 0.25)}
    for u, (lo, hi) in lo_hi.items():
        share = urgs[u] / n
        if not lo - 0.005 <= share <= hi + 0.005:
            fail(errors, name, f"{u} share {share:.1%} outside {lo:.0%}-{hi:.0%}")
    need("hard negatives", hard, targets["hard_negative"])
    need("numbers", numbers, targets["numbers"])
    for t in ("traditional", "fullwidth", "third_party", "typo", "emoji", "field_override", "long_story"):
        need(f"tag {t}", tags[t], targets[t])
    for ch in sorted(CHANNELS):
        need(f"channel {ch}", channels[ch], targets["channel"])


def main() -> int:
    errors: list[str] = []
    dev = load(HERE / "cases.jsonl", errors)
    hold = load(HERE / "holdout.jsonl", errors) if (HERE / "holdout.jsonl").exists() else []
    ids = Counter(r["id"] for r in dev + hold)
    for i, k in ids.items():
        if k > 1:
            fail(errors, "ids", f"{i} used {k} times")
    for r in dev:
        if not re.fullmatch(r"d\d{3}", r["id"]):
            fail(errors, "ids", f"dev id {r['id']}")
    for r in hold:
        if not re.fullmatch(r"h\d{3}", r["id"]):
            fail(errors, "ids", f"holdout id {r['id']}")
    texts = Counter(r["text"] for r in dev + hold)
    for t, k in texts.items():
        if k > 1 and not t.startswith("一键呼叫"):
            fail(errors, "texts", f"duplicate text {t!r}")

    report(
        "dev (cases.jsonl)",
        dev,
        {
            "cases": 330,
            "per_code": 8,
            "per_flag": 8,
            "hard_negative": 40,
            "numbers": 40,
            "traditional": 30,
            "fullwidth": 15,
            "third_party": 20,
            "typo": 10,
            "emoji": 10,
            "field_override": 15,
            "long_story": 20,
            "channel": 3,
        },
        errors,
    )
    if hold:
        report(
            "holdout (holdout.jsonl)",
            hold,
            {
                "cases": 100,
                "per_code": 2,
                "per_flag": 3,
                "hard_negative": 12,
                "numbers": 12,
                "traditional": 9,
                "fullwidth": 5,
                "third_party": 6,
                "typo": 3,
                "emoji": 3,
                "field_override": 5,
                "long_story": 6,
                "channel": 1,
            },
            errors,
        )
        # The holdout must not paraphrase dev: flag near-duplicates by character-bigram overlap.
        dev_grams = [(r["id"], bigrams(r["text"])) for r in dev]
        close = []
        for r in hold:
            g = bigrams(r["text"])
            if len(g) < 6:
                continue
            best = max(((len(g & d) / len(g | d), i) for i, d in dev_grams if len(d) >= 6), default=(0, ""))
            if best[0] >= 0.45:
                close.append((round(best[0], 2), r["id"], best[1]))
        print(
            "holdout texts closest to a dev text (Jaccard of character bigrams >= 0.45):", sorted(close)[::-1]
        )
        for score, hid, did in close:
            if score >= 0.6:
                fail(errors, hid, f"near-duplicate of {did} ({score})")
    extra = sorted((HERE / "train").glob("*.jsonl")) + sorted(HERE.glob("blind*.jsonl"))
    train: list[dict] = []
    for path in extra:
        rows = load(path, errors, strict_tags=False)
        print(f"== {path.relative_to(HERE)}: {len(rows)} cases", dict(Counter(r["gold"]["urgency"] for r in rows)))
        if "train" in path.parts:
            train += rows
        for r in rows:
            if "complaint" not in r["gold"]:
                fail(errors, f"{path.name} {r['id']}", "gold.complaint missing (null when not about health)")
    all_ids = Counter(r["id"] for r in dev + hold + train)
    for i, k in all_ids.items():
        if k > 1 and i not in ids:
            fail(errors, "ids", f"{i} used {k} times")
    if train:
        labelled = train + [r for r in dev + hold if "complaint" in r["gold"]]
        complaints = Counter(r["gold"]["complaint"] or "none" for r in labelled)
        flags = Counter(f for r in labelled for f in r["gold"]["red_flags"])
        print(f"== training, all labelled sets: {len(dev) + len(hold) + len(train)} cases; complaints", dict(complaints))
        if len(dev) + len(hold) + len(train) < 1500:
            fail(errors, "training", "fewer than 1,500 labelled cases")
        for code in sorted(COMPLAINTS):
            if complaints[code] < 10:
                fail(errors, "training", f"complaint {code}: {complaints[code]} < 10")
        for flag in sorted(RED_FLAGS):
            if flags[flag] < 3:
                fail(errors, "training", f"red flag {flag}: {flags[flag]} < 3")
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
