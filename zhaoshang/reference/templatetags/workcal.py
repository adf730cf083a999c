"""Template filters of the working calendar, for every page that shows a deadline."""

from django import template

from zhaoshang.reference import calendar

register = template.Library()


@register.filter
def deadline_notice(due_on):
    """ "2027 年节假日安排尚未录入，期限暂按周一至周五计算" beside a deadline whose year
    nobody entered, else ""."""
    if not due_on:
        return ""
    return calendar.fallback_notice(due_on)


@register.filter
def weekday_cn(day):
    return "星期" + "一二三四五六日"[day.weekday()] if day else ""
