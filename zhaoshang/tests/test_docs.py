"""The deployment notes are what an operator sets up from: they must name every job."""

from django.conf import settings


def test_every_scheduled_job_is_described_in_the_deployment_notes():
    notes = (settings.BASE_DIR / "docs" / "deployment.md").read_text(encoding="utf-8")
    missing = [
        f"{name} ({entry['task']})"
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if f"`{entry['task']}`" not in notes or f"`{name}`" not in notes
    ]
    assert not missing, f"docs/deployment.md does not describe: {', '.join(missing)}"
