"""My open tasks (/taken/) and marking one done."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verband.network.models import CASEWORK_ROLES
from verband.sharing.access import actor_for_request, visible_households
from verband.sharing.accesslog import Subject, record, record_many
from verband.sharing.decorators import role_required
from verband.tasks import services
from verband.tasks.models import Task
from verband.tasks.selectors import open_tasks_for


@role_required(*CASEWORK_ROLES)
def list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    # Only in households the person still sees: a task left behind when access ended is not a way to
    # keep reading a household's reference (the escalation engine watches it when it runs late).
    tasks = list(open_tasks_for(request.user).filter(household__in=visible_households(actor)))  # type: ignore[arg-type]
    # A task names the kind of work and the household's reference: the households are logged, no person.
    record_many(actor, action="list", object_type="task", subjects=[Subject(t.household_id) for t in tasks])
    return render(request, "tasks/list.html", {"tasks": tasks, "today": timezone.localdate()})


@role_required(*CASEWORK_ROLES)
@require_POST
def complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    task = Task.objects.select_related("household").filter(pk=pk).first()
    if task is None or not services.may_complete(actor, task):
        record(
            actor, action="complete", object_type="task", object_id=str(pk),
            household_id=task.household_id if task else None, outcome="denied",
        )  # fmt: skip
        raise Http404
    from verband.measures.closing import after_task_done

    try:
        services.complete_task(actor, task, request.POST.get("note", ""))
        after_task_done(task)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Task done: %(title)s") % {"title": task.title})
    back = request.POST.get("next", "")
    if back and back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect("tasks:list")
