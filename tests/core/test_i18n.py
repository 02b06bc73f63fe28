"""Simplified Chinese by default, English through Django's i18n: every user-facing string is marked, every
marked string has an English translation, and switching the language switches pages and error reasons."""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

import anxin
from anxin.core.errors import InvalidInput
from anxin.facilities.hours import describe_hours
from anxin.hotline import services
from anxin.hotline.sla import RULES_FILE, sla_rules
from anxin.hotline.sla_labels import SLA_LABELS
from anxin.people.identity import parse_id_number

PACKAGE = Path(anxin.__file__).parent
PO_FILE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
# CJK ideographs and the full-width punctuation that goes with them (，：；（） …).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
GETTEXT_CALLS = {
    "gettext": 0,
    "gettext_lazy": 0,
    "gettext_noop": 0,
    "_": 0,
    "ngettext": 0,
    "ngettext_lazy": 0,
    "pgettext": 1,
    "pgettext_lazy": 1,
    "npgettext": 1,
    "npgettext_lazy": 1,
}
CONTEXT_CALLS = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}

# Python that is not translated, on purpose. Folders: demo data (residents' names, call summaries, the printed
# demo report) is content, not UI; migrations are history; the triage engine's literals are patterns of what
# callers say, and its explanations come from the rule files in both languages (because / because_en).
# Literals: (path below src/anxin, exact text).
UNTRANSLATED_FOLDERS = ("demo", "migrations", "triage")
UNTRANSLATED = {
    # Product name in the OpenAPI title and the command line's description.
    ("api.py", "Anxin 安心 API"),
    ("cli.py", "安心 Anxin"),
    # `anxin demo`'s start-up line on the terminal, beside the demo's printed login table.
    ("cli.py", "\n安心 Anxin 演示已启动：http://"),
    ("cli.py", "/  （Ctrl+C 退出）\n"),
    ("cli.py", "后台任务 worker 已启动，日志："),
    # `anxin kb search`'s usage line on the terminal, beside argparse's own usage text.
    ("cli.py", "anxin kb search: 需要 QUERY 或 --batch FILE"),
    # A language's own name in the language switcher stays in that language.
    ("config/settings.py", "简体中文"),
    # The spreadsheet's column headers are the file format (read back by name), not UI: they stay Chinese.
    *(
        ("knowledge/formats.py", header)
        for header in (
            "编号",
            "标题",
            "正文",
            "分类",
            "标签",
            "发布机构",
            "文件名称或文号",
            "网址",
            "生效日期",
            "失效日期",
            "替代条目",
            "受众",
            "状态",
        )
    ),
    # The exported workbook's sheet name and its tag separator in cells are file content, not UI.
    ("knowledge/formats.py", "知识库"),
    ("knowledge/formats.py", "、"),
    # Patterns that read dates (2023年1月8日) and tag lists as people type them in files.
    ("knowledge/records.py", r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$"),
    ("knowledge/records.py", r"[,，、;；\s]+"),
    # The categories every base is seeded with are data: stored with their English labels beside them, and
    # relabelled by the command centre in either language.
    *(
        ("knowledge/categories.py", label)
        for label in (
            "居家治疗",
            "就医指引",
            "发热门诊",
            "用药指导",
            "抗原与核酸检测",
            "疫苗接种",
            "康复与再感染",
            "重点人群",
            "慢病与长处方",
            "药品配送与代购",
            "分级诊疗与转诊",
            "心理援助",
            "隔离与防控政策",
            "封控期间生活保障",
            "价格与市场监管投诉",
            "热线与办事指引",
        )
    ),
    # The separators and header words of a category map as people type them (categories, formats).
    ("knowledge/categories.py", r"\s*(?:=>|->|=|→|,|，|\t)\s*"),
    ("knowledge/formats.py", "文件分类"),
    ("knowledge/formats.py", "原分类"),
    # The gap export's keyword separator in a cell is file content, as the item export's tag separator.
    ("knowledge/gap_export.py", "、"),
}


@dataclass
class PoEntry:
    context: str | None
    msgid: str
    msgstrs: list[str]
    flags: set[str] = field(default_factory=set)


def read_po(path: Path) -> list[PoEntry]:
    """The entries of a .po file, header first; obsolete (#~) entries are skipped, as msgfmt skips them."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        flags: set[str] = set()
        fields: dict[str, str] = {}
        key = ""
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                fields[key] = ast.literal_eval(value)
        if "msgid" in fields:
            msgstrs = [value for name, value in fields.items() if name.startswith("msgstr")]
            entries.append(PoEntry(fields.get("msgctxt"), fields["msgid"], msgstrs, flags))
    return entries


def catalog() -> dict[tuple[str | None, str], PoEntry]:
    return {(entry.context, entry.msgid): entry for entry in read_po(PO_FILE)}


def python_files() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not set(path.relative_to(PACKAGE).parts) & set(UNTRANSLATED_FOLDERS)
    ]


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def scan_python(path: Path) -> tuple[list[str], list[tuple[str | None, str]]]:
    """(CJK literals outside any gettext call and not a docstring, msgids passed to gettext calls)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    marked: set[int] = set()
    msgids: list[tuple[str | None, str]] = []
    for node in ast.walk(tree):
        name = _call_name(node) if isinstance(node, ast.Call) else None
        if name not in GETTEXT_CALLS:
            continue
        args = [arg for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
        marked.update(id(arg) for arg in args)
        position = GETTEXT_CALLS[name]
        if len(node.args) > position and node.args[position] in args:
            context = node.args[0].value if name in CONTEXT_CALLS and node.args[0] in args else None
            msgids.append((context, node.args[position].value))
    unmarked = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CJK.search(node.value)
        and id(node) not in docstrings | marked
    ]
    return unmarked, msgids


TRANSLATE_TAG = re.compile(
    r"""\{%\s*translate\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?[^%]*%\}""", re.S
)
BLOCK_TAG = re.compile(r"\{%\s*blocktranslate([^%]*)%\}(.*?)\{%\s*endblocktranslate\s*%\}", re.S)
COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)


def scan_template(text: str) -> tuple[str, list[tuple[str | None, str]]]:
    """(the template with its translated parts and comments removed, the msgids it uses)."""
    msgids: list[tuple[str | None, str]] = [(m[4] or None, m[2]) for m in TRANSLATE_TAG.finditer(text)]
    for match in BLOCK_TAG.finditer(text):
        context = re.search(r"""context\s+(["'])(.*?)\1""", match[1])
        singular = re.split(r"\{%\s*plural\s*%\}", match[2])[0]  # the msgid; the plural is msgid_plural
        body = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", singular)
        msgids.append((context[2] if context else None, body))
    rest = BLOCK_TAG.sub("", TRANSLATE_TAG.sub("", COMMENTS.sub("", text)))
    return rest, msgids


def templates() -> list[Path]:
    return sorted(PACKAGE.glob("*/templates/**/*.html"))


# --- the catalog ---


def test_every_entry_has_an_english_translation():
    entries = read_po(PO_FILE)
    assert len(entries) > 300
    header, messages = entries[0], entries[1:]
    assert header.msgid == "" and "Language: en" in header.msgstrs[0]
    assert not [e for e in entries if "fuzzy" in e.flags]
    assert not [e.msgid for e in messages if not all(s.strip() for s in e.msgstrs)]
    # English text, not a copied msgid (the msgids are Chinese).
    assert not [e.msgid for e in messages if any(CJK.search(s) for s in e.msgstrs)]


def test_every_user_facing_chinese_literal_in_python_is_marked():
    unmarked = []
    for path in python_files():
        relative = path.relative_to(PACKAGE).as_posix()
        found, _ = scan_python(path)
        unmarked += [(relative, text) for text in found if (relative, text) not in UNTRANSLATED]
    assert unmarked == []


def test_the_allow_list_names_only_unmarked_strings():
    present = set()
    for path in python_files():
        relative = path.relative_to(PACKAGE).as_posix()
        present |= {(relative, text) for text in scan_python(path)[0]}
    assert UNTRANSLATED - present == set()


def test_it_catches_an_unmarked_string(tmp_path):
    """The scan itself: a raise with a bare Chinese reason is caught, a marked one and a docstring are not."""
    module = tmp_path / "module.py"
    module.write_text(
        '"""模块说明"""\n'
        "from django.utils.translation import gettext, pgettext\n"
        'def check(n):\n    """函数说明"""\n'
        '    if n:\n        raise ValueError(f"太大：{n}")\n'
        '    raise ValueError(gettext("太小"), pgettext("上下文", "文本"))\n',
        encoding="utf-8",
    )
    unmarked, msgids = scan_python(module)
    assert unmarked == ["太大："]
    assert msgids == [(None, "太小"), ("上下文", "文本")]


def test_templates_have_no_untranslated_chinese():
    leftovers = {}
    for path in templates():
        rest, _ = scan_template(path.read_text(encoding="utf-8"))
        lines = [line.strip() for line in rest.splitlines() if CJK.search(line)]
        if lines:
            leftovers[path.relative_to(PACKAGE).as_posix()] = lines
    assert leftovers == {}


def test_every_marked_string_is_in_the_catalog():
    """Catches a string marked after the last makemessages: run it and translate the new entries."""
    known = catalog()
    used: set[tuple[str | None, str]] = set()
    for path in python_files():
        used.update(scan_python(path)[1])
    for path in templates():
        used.update(scan_template(path.read_text(encoding="utf-8"))[1])
    assert len(used) > 300
    assert sorted(used - set(known)) == []


def test_the_sla_labels_are_msgids():
    labels = [
        spec["label"] for spec in tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))["urgency"].values()
    ]
    assert sorted(labels) == sorted(SLA_LABELS)


# --- the pure modules translate at call time ---


def test_pure_modules_speak_the_active_language():
    weekdays = {"periods": [{"days": [1, 2, 3, 4, 5], "open": "08:00", "close": "17:30"}]}
    with translation.override("en"):
        assert describe_hours(weekdays) == "Mon, Tue, Wed, Thu, Fri 08:00-17:30"
        assert describe_hours({"always": True}) == "24 hours"
        assert sla_rules().rule("P2").display_label == "Urgent: a doctor calls back within 10 minutes"
        with pytest.raises(InvalidInput) as caught:
            parse_id_number("11010519491231002")
        assert caught.value.reason == "An ID number is 17 digits followed by a digit or X"
    assert describe_hours(weekdays) == "周一、二、三、四、五 08:00-17:30"
    assert sla_rules().rule("P2").display_label == "紧急：10分钟内医生回电"


# --- pages ---


def test_pages_are_in_chinese_by_default(client, world):
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "用户名" in page and "Username" not in page


def test_the_login_page_follows_accept_language(client, world):
    response = client.post(
        reverse("accounts:login"),
        {"username": "agent", "password": "wrong"},
        headers={"Accept-Language": "en"},
    )
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page and "Username" in page and "Password" in page
    assert "Incorrect username or password" in page
    assert "用户名" not in page


@pytest.mark.django_db
def test_the_language_switcher_turns_the_desk_and_the_case_page_english(client, world):
    case = services.case_open(
        by=world.agent,
        line=world.medical_line,
        summary="老人发烧三天",
        category="medical_consult",
        urgency="P4",
        disposition="answer_closed",
        caller_resident=world.wang,
        subject_resident=world.wang,
        close_now=True,
    )
    client.force_login(world.agent)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("hotline:workbench")})
    assert response.status_code == 302

    desk = client.get(reverse("hotline:workbench")).content.decode()
    for words in ("Workbench", "Screen pop", "Intake", "My open cases", "Hotline agent", "Open case"):
        assert words in desk
    assert "受理登记" not in desk and "工作台" not in desk

    page = client.get(reverse("hotline:case", args=[case.pk])).content.decode()
    for words in ("First-contact owner", "Timeline", "Closed", "Answered on the call", "Medical advice"):
        assert words in page
    assert "首问负责人" not in page and "当场答复" not in page
    assert "老人发烧三天" in page  # what the caller said is data, shown as said

    client.post(reverse("set_language"), {"language": "zh-hans"})
    assert "首问负责人" in client.get(reverse("hotline:case", args=[case.pk])).content.decode()


@pytest.mark.django_db
def test_a_desk_error_comes_back_in_english(client, world):
    client.force_login(world.agent)
    form = {"line": "medical", "channel": "phone", "summary": "", "category": "other"}
    form |= {"urgency": "P4", "disposition": "answer_closed"}
    english = client.post(reverse("hotline:case_create"), form, headers={"Accept-Language": "en"})
    assert english.status_code == 422
    assert "Must not be empty" in english.content.decode()
    chinese = client.post(reverse("hotline:case_create"), form)
    assert "不能为空" in chinese.content.decode()


# --- the API ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "english", "chinese"),
    [
        (
            {
                "line": "nope",
                "summary": "x",
                "category": "other",
                "urgency": "P4",
                "disposition": "answer_closed",
            },
            "line",
            "Unknown hotline code 'nope'",
            "未知的热线代码 'nope'",
        ),
        (
            {"line": "medical", "category": "other", "urgency": "P4", "disposition": "answer_closed"},
            "summary",
            "This field is required",
            "缺少此字段",
        ),
    ],
)
def test_api_error_reasons_follow_accept_language(client, world, token_for, body, field, english, chinese):
    headers = token_for(world.agent)
    answers = {}
    for language, extra in (("en", {"Accept-Language": "en"}), ("default", {})):
        response = client.post("/api/cases", body, content_type="application/json", headers=headers | extra)
        assert response.status_code == 422
        answers[language] = {item["field"]: item["reason"] for item in response.json()["detail"]}
    assert answers["en"][field] == english
    assert answers["default"][field] == chinese


def test_an_unauthenticated_api_call_is_refused_in_english(client, db):
    response = client.get("/api/cases", headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json()["detail"][0]["reason"] == "Not authenticated, or the token is invalid"
