import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models


def seal_existing_head(apps, schema_editor):
    head = apps.get_model("sharing", "AccessLogHead").objects.filter(pk=1).first()
    if head is not None and head.seq:
        message = f"head:{head.seq}:{head.entry_hash}"
        head.head_mac = hmac.new(
            settings.ACCESS_LOG_KEY.encode(), message.encode(), hashlib.sha256
        ).hexdigest()
        head.save(update_fields=["head_mac"])


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0002_access_log_head_and_guard"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessloghead",
            name="head_mac",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RunPython(seal_existing_head, migrations.RunPython.noop),
    ]
