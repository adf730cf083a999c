"""Walk the portal as an anonymous visitor (tests and the portal-process probe)."""

import re
from collections import deque


def crawl(client, starts, limit=400):
    """Every page reachable from ``starts`` by the portal's own links (and its forms'
    GET filters), as an anonymous visitor."""
    seen, bodies, queue = set(), {}, deque(starts)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            bodies[url] = response.status_code
            continue
        html = response.content.decode()
        bodies[url] = html
        for href in re.findall(r'href="([^"#]+)"', html):
            href = href.replace("&amp;", "&")
            if href.startswith("?"):
                href = url.split("?")[0] + href
            if href.startswith("/portal/") and "/captcha/" not in href:
                queue.append(href)
    return bodies
