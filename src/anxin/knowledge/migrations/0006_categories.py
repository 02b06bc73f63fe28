"""Categories become rows the command centre manages. The sixteen that were fixed in code are seeded after
every migrate (knowledge.apps), so that a database flushed by a test gets them back too."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0005_item_embedding"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Category",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=40, unique=True, verbose_name="编号")),
                ("label_zh", models.CharField(max_length=40, verbose_name="中文名称")),
                ("label_en", models.CharField(blank=True, max_length=80, verbose_name="英文名称")),
                ("order", models.PositiveIntegerField(default=0, verbose_name="排序")),
                ("retired", models.BooleanField(default=False, verbose_name="已停用")),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["order", "code"]},
        ),
        migrations.AlterField(
            model_name="item",
            name="category",
            field=models.CharField(max_length=40, verbose_name="分类"),
        ),
        migrations.AlterField(
            model_name="itemversion",
            name="category",
            field=models.CharField(max_length=40, verbose_name="分类"),
        ),
    ]
