"""Failed background tasks are listed for the functional administrator in the admin, without personal
data: arguments are ids, and an exception's message (which may quote a stored value) is not shown."""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult

from verband.notifications.services import send_mail_to

LIST = "/beheer/django/django_tasks_database/dbtaskresult/"


def failed_mail_task(user_id: int) -> DBTaskResult:
    result = send_mail_to.enqueue([user_id])
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("worker-1")
    row.set_failed(RuntimeError("refused for Anna van Dam, 1012AB 12"))
    return row


def test_the_functional_administrator_sees_failed_tasks_without_personal_data(world, as_user):
    row = failed_mail_task(world.involved.pk)
    client = as_user(world.admin)
    assert LIST in client.get("/beheer/django/").content.decode()
    page = client.get(f"{LIST}?status__exact=FAILED")
    assert page.status_code == 200
    html = page.content.decode()
    assert "send_mail_to" in html and "RuntimeError" in html and f"[{world.involved.pk}]" in html
    assert "Anna" not in html and "1012AB" not in html
    detail = client.get(f"{LIST}{row.pk}/change/")
    assert detail.status_code == 200
    assert "RuntimeError" in detail.content.decode()
    assert "Anna" not in detail.content.decode() and "Traceback" not in detail.content.decode()


def test_nobody_changes_or_deletes_task_results(world, as_user):
    row = failed_mail_task(world.involved.pk)
    client = as_user(world.admin)
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.get(f"{LIST}{row.pk}/delete/").status_code == 403
    assert client.post(f"{LIST}{row.pk}/change/", {"status": "SUCCESSFUL"}).status_code == 403
    row.refresh_from_db()
    assert row.status == "FAILED"


def test_other_roles_do_not_reach_the_task_list(world, as_user):
    failed_mail_task(world.involved.pk)
    for user in (world.involved, world.manager, None):
        response = as_user(user).get(LIST)
        assert response.status_code == 302 or response.status_code == 403, user
        assert "send_mail_to" not in response.content.decode()


def test_the_list_answers_no_question_about_what_it_hides(world, as_user):
    """Filtering on a hidden field would tell, guess by guess, what an exception's message says."""
    failed_mail_task(world.involved.pk)
    client = as_user(world.admin)
    for probe in ("traceback__contains=Anna", "traceback__regex=1012", "args_kwargs__icontains=1"):
        response = client.get(f"{LIST}?{probe}")
        assert response.status_code == 400 or "send_mail_to" not in response.content.decode(), probe
    assert client.get(f"{LIST}?status__exact=FAILED").status_code == 200


def test_beheer_counts_the_failed_tasks_and_links_to_them(world, as_user):
    failed_mail_task(world.involved.pk)
    html = as_user(world.admin).get("/beheer/").content.decode()
    assert f"{LIST}?status__exact=FAILED" in html
    assert "Mislukte achtergrondtaken" in html
