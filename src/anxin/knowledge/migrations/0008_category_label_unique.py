"""A category's Chinese label is unique in the database, not only checked by the service: two requests creating
the same label at once no longer both succeed. Labels already taken twice (only possible before this) get their
code appended first."""

from django.db import migrations, models


def _tell_apart_duplicates(apps, schema_editor):
    Category = apps.get_model("knowledge", "Category")
    seen: set[str] = set()
    for category in Category.objects.order_by("order", "code"):
        if category.label_zh in seen:
            kept = category.label_zh[: max(0, 38 - len(category.code))]
            category.label_zh = f"{kept}（{category.code}）"[:40]
            category.save(update_fields=["label_zh"])
        seen.add(category.label_zh)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0007_gaps")]

    operations = [
        migrations.RunPython(_tell_apart_duplicates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="category",
            name="label_zh",
            field=models.CharField(max_length=40, unique=True, verbose_name="中文名称"),
        ),
    ]
