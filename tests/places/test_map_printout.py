"""The gate printout: A3 and A4, PDF and PNG, and nothing on it that names a resident."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from PIL import Image

from anxin.places.epimap import raster
from anxin.places.epimap.layout import BuildingSpot, UnitSpot
from anxin.places.epimap.printout import DPI, print_sheet
from anxin.places.epimap.selectors import CompoundMap, compound_map_read
from anxin.places.epimap.status import map_rules, tally

# Page sizes in PDF points (1/72 inch) and in pixels at the printout's resolution, portrait.
POINTS = {"a4": (595.28, 841.89), "a3": (841.89, 1190.55)}
PIXELS = {"a4": (1654, 2339), "a3": (2339, 3307)}
PRINTED_AT = datetime(2026, 11, 23, 9, 30)


def small_map(buildings: int = 3, floors: int = 6) -> CompoundMap:
    rules = map_rules()
    codes = [s.code for s in rules.statuses]
    spots = tuple(
        BuildingSpot(
            b,
            f"{b}栋",
            tuple(
                UnitSpot(b * 1000 + f * 10 + d, f"{f}{d:02d}", f, codes[(b + f + d) % len(codes)], d)
                for f in range(1, floors + 1)
                for d in range(1, 4)
            ),
        )
        for b in range(1, buildings + 1)
    )
    counts = tally(((u.status, u.people) for b in spots for u in b.units), rules)
    return CompoundMap(1, "牧专家属院", "北林街道 / 牧专社区", date(2026, 11, 23), spots, counts)


def pdf_page_size(body: bytes) -> tuple[float, float]:
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", body)
    assert box, "no MediaBox"
    return float(box[1]), float(box[2])


def same_size(got: tuple[float, float], paper: tuple[float, float], tolerance: float) -> bool:
    """Either orientation: the printout turns the sheet to draw the map largest."""
    return any(abs(got[0] - w) <= tolerance and abs(got[1] - h) <= tolerance for w, h in (paper, paper[::-1]))


# --- the sheet (pure) ---


@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_the_sheet_is_the_paper_size_at_the_print_resolution(paper):
    sheet = print_sheet(small_map(), paper, rules=map_rules(), printed_at=PRINTED_AT)
    assert sheet.dpi == DPI
    assert same_size((sheet.width, sheet.height), PIXELS[paper], 1)


def test_the_sheet_carries_the_title_date_legend_and_unit_numbers():
    cmap = small_map()
    texts = print_sheet(cmap, "a4", rules=map_rules(), printed_at=PRINTED_AT).texts
    assert "牧专家属院 疫情分布图" in texts
    assert "北林街道 / 牧专社区    截至 2026-11-23 09:30" in texts
    for status in map_rules().statuses:
        count = cmap.counts[status.code]
        assert status.display_label in texts
        assert f"{count.households}户 {count.people}人" in texts
    assert "合计" in texts and f"{cmap.total.households}户 {cmap.total.people}人" in texts
    assert {"1栋", "2栋", "3栋", "101", "603"} <= set(texts)


def test_a_compound_without_buildings_still_prints_its_legend():
    cmap = CompoundMap(1, "空小区", "", date(2026, 11, 23), (), tally([], map_rules()))
    texts = print_sheet(cmap, "a4", rules=map_rules(), printed_at=PRINTED_AT).texts
    assert "该小区尚未登记楼栋" in texts and "0户 0人" in texts


# --- the files (database and Pillow) ---


@pytest.mark.django_db
@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_the_pdf_is_one_page_of_the_paper_size(client, world, paper):
    client.force_login(world.grid_worker_a)
    response = client.get(reverse("places:print", args=[world.unit_a1.parent.parent.pk, paper, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="epimap-AC-')
    body = response.content
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b", body)) == 1
    assert same_size(pdf_page_size(body), POINTS[paper], 1.0)


@pytest.mark.django_db
@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_the_png_is_the_paper_size_at_200_dpi(client, world, paper):
    client.force_login(world.grid_worker_a)
    response = client.get(reverse("places:print", args=[world.unit_a1.parent.parent.pk, paper, "png"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(response.content))
    assert same_size(image.size, PIXELS[paper], 1)
    assert round(image.info["dpi"][0]) == DPI


@pytest.mark.django_db
@pytest.mark.parametrize(("paper", "fmt"), [("a5", "pdf"), ("a4", "svg"), ("letter", "png")])
def test_other_papers_and_formats_are_not_found(client, world, paper, fmt):
    client.force_login(world.agent)
    response = client.get(reverse("places:print", args=[world.unit_a1.parent.parent.pk, paper, fmt]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_printout_shows_no_name_id_number_or_phone(client, world):
    world.wang.quarantine_status = "confirmed"
    world.wang.save()
    compound = world.unit_a1.parent.parent
    secrets = []
    for resident in (world.wang, world.wang_wife, world.baby):
        secrets += [resident.name, resident.id_number, resident.phone, resident.masked_phone]
    secrets += [world.wang.masked_id_number]
    cmap = compound_map_read(world.grid_worker_a, compound)
    sheet = print_sheet(cmap, "a3", rules=map_rules(), printed_at=PRINTED_AT)
    source = repr(cmap) + "\n".join(sheet.texts) + sheet.title
    assert [s for s in secrets if s and s in source] == []
    assert "101" in sheet.texts  # the unit numbers are there

    client.force_login(world.grid_worker_a)
    for paper in ("a4", "a3"):
        for fmt in ("pdf", "png"):
            body = client.get(reverse("places:print", args=[compound.pk, paper, fmt])).content
            for secret in filter(None, secrets):
                for encoding in ("utf-8", "utf-16-be"):
                    assert secret.encode(encoding) not in body


@pytest.mark.django_db
def test_a_missing_font_says_what_to_install(client, world, monkeypatch, tmp_path):
    monkeypatch.setattr(raster, "FONT_DIRS", (tmp_path,))
    raster.font_file.cache_clear()
    raster._font.cache_clear()
    raster._stamp.cache_clear()
    try:
        client.force_login(world.agent)
        response = client.get(reverse("places:print", args=[world.unit_a1.parent.parent.pk, "a4", "png"]))
        assert response.status_code == 503
        assert "fonts-noto-cjk" in response.content.decode()
    finally:
        raster.font_file.cache_clear()
        raster._font.cache_clear()
        raster._stamp.cache_clear()
