import re

import pytest


def captcha_answer(html):
    """The hidden CAPTCHA key in a form page and the answer the store holds for it (a
    test reads the store; a visitor reads the image)."""
    from captcha.models import CaptchaStore

    key = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html).group(1)
    return key, CaptchaStore.objects.get(hashkey=key).response


@pytest.fixture
def submit(client):
    """submit(url, **fields): GET the form, solve its CAPTCHA, POST it."""

    def go(url, *, wrong_captcha=False, **fields):
        key, answer = captcha_answer(client.get(url).content.decode())
        data = {"captcha_0": key, "captcha_1": "WRONG" if wrong_captcha else answer, **fields}
        return client.post(url, data)

    return go


ENQUIRY = {
    "enterprise_name": "远方智能装备有限公司",
    "name": "张先生",
    "contact": "13800001234",
    "industry": "智能制造",
    "investment": "2亿元",
    "content": "拟在河西区设立华北区域总部，想了解楼宇和扶持政策。",
}
