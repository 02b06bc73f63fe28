"""The codes the engine speaks. Other tools read them; keep them exactly as issues 3 and 13 spell them."""

from __future__ import annotations

CATEGORIES = (
    "emergency",
    "medical_consult",
    "care_navigation",
    "medication",
    "psych_support",
    "supplies",
    "policy",
    "vaccination",
    "testing",
    "report_clue",
    "complaint",
    "suggestion",
    "other",
)
URGENCIES = ("P1", "P2", "P3", "P4")
DISPOSITIONS = (
    "call_120",
    "fever_clinic",
    "doctor_callback",
    "home_visit",
    "appointment",
    "medication_delivery",
    "psych_counselor",
    "community_transfer",
    "volunteer_errand",
    "answer_closed",
    "department_dispatch",
)
RED_FLAGS = (
    "convulsion",
    "dyspnea",
    "spo2_low",
    "altered_consciousness",
    "chest_pain",
    "infant_fever",
    "pregnancy_warning",
    "high_fever_persistent",
    "dialysis_missed",
    "suicidal_ideation",
    "severe_dehydration",
    "cyanosis",
    # Issue 13: the P1 discriminators of the chief-complaint protocols (docs/triage-policy.md §2).
    "stroke_signs",
    "cardiac_arrest",
    "major_bleeding",
    "head_injury",
    "severe_trauma",
    "poisoning",
    "co_poisoning",
    "anaphylaxis",
    "choking",
    "severe_burn",
    "drowning",
    "electrocution",
    "hypoglycaemia",
    "obstetric_emergency",
    "newborn_danger",
    "meningitis_signs",
    "heat_stroke",
    "hypothermia",
    "violence",
)
# The chief-complaint protocols (docs/triage-policy.md §4), one rule file each in rules/protocols/.
COMPLAINTS = (
    "abdominal_pain",
    "allergy",
    "animal_bite",
    "assault",
    "back_pain",
    "breathing",
    "burns",
    "inhalation",
    "arrest",
    "chest_pain",
    "choking",
    "convulsions",
    "diabetic",
    "drowning",
    "electrocution",
    "eye",
    "falls",
    "headache",
    "heart",
    "heat_cold",
    "haemorrhage",
    "poisoning",
    "pregnancy",
    "newborn",
    "mental_health",
    "sick_person",
    "stroke",
    "trauma",
    "unconscious",
    "fever",
    "vomiting_diarrhoea",
    "chronic_disease",
)
CONDITIONS = (
    "hypertension",
    "diabetes",
    "copd",
    "heart_disease",
    "ckd_dialysis",
    "cancer_chemo",
    "immunosuppressed",
    "disabled",
    "lives_alone",
)
# What a structured field may hold; outside it the value is a typo, not a reading.
FIELD_RANGES = {"age": (0, 130), "temperature_c": (25, 45), "spo2": (0, 100), "pregnancy_weeks": (0, 45)}
CHANNELS = ("medical_hotline", "psych_hotline", "citizen_hotline", "chat_group", "one_key_device")

# Groups the facts put a subject in; rules name them in `groups_any`.
GROUPS = (
    "infant_under_3m",
    "infant_3_6m",
    "child_under_3",
    "child_under_5",
    "child",
    "elderly_60",
    "elderly_80",
    "pregnant",
    "chronic",
    "high_risk",
    *CONDITIONS,
)


def urgency_rank(urgency: str) -> int:
    """0 for P1 (most urgent) … 3 for P4."""
    return URGENCIES.index(urgency)
