from celery import shared_task

from .services import users_flag_expired


@shared_task
def flag_expired_passwords():
    return users_flag_expired()
