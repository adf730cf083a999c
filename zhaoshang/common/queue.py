"""Queuing a job for the worker when the broker may be down.

The broker (Redis in production) can be restarting or unreachable while the web server
runs on. A page must not fail for it: what the user did is already committed, and only
the job that follows is waiting. So a job is sent with a short, bounded retry (a broker
restarting comes back within a second or two); when it still cannot be sent, the caller
learns it and the job is not lost: every job the pages queue keeps what it needs in the
database, and either goes back to where the user can start it again with a message
saying so (imports), or is sent again by ``requeue_waiting`` once the broker answers
(notifications: their webhook deliveries and e-mails, ``notifications.tasks``)."""

import logging
from datetime import timedelta

from django.contrib import messages
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# About a second and a half in all: long enough for a broker that is restarting, short
# enough that the page does not hang on one that is down.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1}
BROKER_DOWN = (
    "后台任务服务（消息队列）暂时无法连接，本次任务未能开始。已保存的内容不受影响，"
    "请稍后再点击一次；如持续出现，请联系系统管理员。"
)
# Jobs sent again by the sweep: those waiting longer than this (a queue that is merely
# busy is not resent; a resent job that finds its work done does nothing).
WAITING = timedelta(minutes=2)


def send(task, *args, **kwargs):
    """Send ``task`` to the broker; False (and logged) when the broker cannot be reached."""
    if task.app.conf.task_always_eager:
        # Run here, without a broker: the task's own errors are not the broker's.
        task.apply_async(args, kwargs)
        return True
    try:
        task.apply_async(args, kwargs, retry=True, retry_policy=RETRY_POLICY)
    except (OperationalError, OSError):
        logger.exception("无法连接消息队列，任务 %s 未能排队", task.name)
        return False
    return True


def send_after_commit(task, *args, on_success=None, on_failure=None, **kwargs):
    """``send`` once the current transaction commits, then ``on_success()`` or, when the
    broker could not be reached, ``on_failure()``."""

    def go():
        then = on_success if send(task, *args, **kwargs) else on_failure
        if then is not None:
            then()

    transaction.on_commit(go)


def tell(request, message=BROKER_DOWN):
    messages.warning(request, message)
