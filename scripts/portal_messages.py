"""Write the portal's English catalogue (zhaoshang/portal/locale/en/LC_MESSAGES/django.po)
from the table below and compile it to django.mo with Python's own code, so neither a
checkout nor CI needs GNU gettext. Run after changing a portal string:

    .venv/bin/python scripts/portal_messages.py          # writes .po and .mo
    .venv/bin/python scripts/portal_messages.py --check  # fails when they are stale

The table is the one place the English text lives; a string the portal marks for
translation that is missing here fails ``--check`` (and the test that runs it)."""

import ast
import re
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "zhaoshang" / "portal"
LOCALE = PORTAL / "locale" / "en" / "LC_MESSAGES"

EN = {
    "联系人": "Contact person",
    "联系方式": "Phone or e-mail",
    "手机、固定电话或电子邮箱": "Mobile, landline or e-mail",
    "企业名称": "Company name",
    "内容": "Message",
    "验证码": "Verification code",
    "验证码不正确，请重新输入图中的字符。": "The verification code is wrong; please type the characters in the picture again.",
    "请填写可以联系到您的电话号码或电子邮箱。": "Please give a phone number or e-mail address where we can reach you.",
    "意向产业": "Industry of interest",
    "意向投资规模": "Intended investment",
    "例如：5000万元": "e.g. 50 million yuan",
    "咨询内容": "Your enquiry",
    "投诉事项": "Your complaint",
    "提交": "Submit",
    "共 %(n)s 条，第 %(p)s/%(t)s 页": "%(n)s items, page %(p)s of %(t)s",
    "上一页": "Previous",
    "下一页": "Next",
    "投资促进门户": "Investment Promotion Portal",
    "首页": "Home",
    "功能区": "Zones",
    "载体资源": "Sites",
    "招商项目": "Opportunities",
    "扶持政策": "Policies",
    "落户企业": "Companies here",
    "招商成效": "Results",
    "工作简报": "Bulletins",
    "典型案例": "Typical cases",
    "投资咨询": "Enquiry",
    "招商热线": "Investment hotline",
    "地址": "Address",
    "投资者投诉": "Investor complaints",
    "%(y)s年第%(n)s期": "%(y)s, issue %(n)s",
    "签约项目": "Projects signed",
    "协议投资额（万元）": "Agreed investment (10,000 yuan)",
    "落地项目": "Projects landed",
    "重大项目": "Major projects",
    "内资到位（万元）": "Domestic funds in place (10,000 yuan)",
    "外资到位（万元）": "Foreign funds in place (10,000 yuan)",
    "签约项目（经企业同意公开）": "Projects signed (shown with the companies' consent)",
    "协议投资额": "Agreed investment",
    "万元": "×10,000 yuan",
    "落地项目（经企业同意公开）": "Projects landed (shown with the companies' consent)",
    "招商工作简报": "Investment promotion bulletins",
    "暂无": "None yet",
    "载体资源（楼宇、园区、土地）": "Sites (buildings, parks, land)",
    "载体类型": "Kind of site",
    "全部类型": "All kinds",
    "全部功能区": "All zones",
    "筛选": "Filter",
    "名称": "Name",
    "类型": "Kind",
    "总面积": "Total area",
    "可用面积": "Available area",
    "联系电话": "Phone",
    "投诉典型案例": "Typical complaint cases",
    "暂无公开的典型案例。": "No cases have been published yet.",
    "投诉由区纪委监委受理，并在规定时限内办理和答复。": "Complaints are handled by the district's discipline inspection office, which answers within the time limit set.",
    "请留下您的联系方式和投资意向，区招商办将在3个工作日内与您联系。": "Leave your contact details and what you plan to invest in; the investment promotion office will contact you within 3 working days.",
    "咨询的招商项目": "Opportunity you ask about",
    "以下企业已同意在本门户展示。": "These companies have agreed to be shown on this portal.",
    "欢迎投资": "Welcome, investors",
    "我要咨询投资": "Ask about investing",
    "招商战略与空间布局": "Strategy and spatial layout",
    "重点产业": "Key industries",
    "战略性新兴产业": "Strategic emerging industry",
    "相关政策": "Policies",
    "最新招商项目": "Latest opportunities",
    "最新政策": "Latest policies",
    "截至%(y)s年%(m)s月（据已发布的统计月报）": "To %(m)s/%(y)s (from the issued monthly statistics)",
    "产业": "Industry",
    "载体 / 地块": "Site / land parcel",
    "投资规模": "Investment",
    "合作方式": "Forms of cooperation",
    "责任单位": "Responsible department",
    "项目简介": "About the project",
    "合作需求": "What is sought",
    "预期收益": "Expected returns",
    "项目资料": "Documents",
    "咨询该项目": "Ask about this project",
    "项目名称关键词": "Keyword in the project name",
    "关键词": "Keyword",
    "全部产业": "All industries",
    "查询": "Search",
    "没有符合条件的招商项目。": "No opportunities match.",
    "生效日期": "In force from",
    "有效期至": "Valid until",
    "本政策已修订，请查看下方的最新版本。": "This policy has been revised; see the latest version below.",
    "本政策已废止。": "This policy has been repealed.",
    "适用产业": "Industries",
    "不限": "Any",
    "扶持办法": "Support measures",
    "实施细则": "Implementing rules",
    "政策解读": "Explanation",
    "附件": "Attachments",
    "历次版本": "Versions",
    "咨询政策": "Ask about policies",
    "政策名称或文号": "Policy title or document number",
    "生效": "In force from",
    "没有符合条件的政策。": "No policies match.",
    "数据来自已发布的%(y)s年%(m)s月统计月报。": "Figures from the issued monthly statistics of %(m)s/%(y)s.",
    "指标": "Indicator",
    "当月": "Month",
    "本年累计": "Year to date",
    "单位": "Unit",
    "尚未发布统计数据。": "No statistics have been issued yet.",
    "提交成功": "Received",
    "您的受理编号是": "Your reference number",
    "请记下受理编号，查询办理情况时请提供此编号。": "Please keep this number and quote it when you ask how your request is going.",
    "功能区与空间布局": "Zones and spatial layout",
    "“一核两轴三中心多点支撑”的空间布局：核心区居中，各功能区环绕。": '"One core, two axes, three centres, many supporting points": the core zone in the middle, the others around it.',
    "功能区布局示意图": "Diagram of the zones",
    "产业定位": "Industry focus",
    "面积": "Area",
    "平方公里": "km²",
    "主导产业": "Leading industries",
    "同一网络地址提交过于频繁，请一小时后再试；如情况紧急，请拨打页面下方的招商热线。": "Too many submissions from your network address; please try again in an hour, or call the hotline below if it is urgent.",
    # Labels of statuses, kinds and area units shown through {% translate variable %}.
    "发布": "Open",
    "洽谈中": "In talks",
    "已落地": "Landed",
    "现行": "In force",
    "修订": "Revised",
    "废止": "Repealed",
    "楼宇": "Building",
    "园区": "Park",
    "土地": "Land",
    "平方米": "m²",
    "亩": "mu",
    # Units of the results table (reports' KIND_UNIT), translated in portal_tags.unit_of.
    "个": "projects",
    "万美元": "×10,000 USD",
}


# django-simple-captcha's own Chinese catalogue also words Django's "This field is
# required." (as 这个字段是必须的), and an app's catalogue outranks Django's. The project's
# catalogue (LOCALE_PATHS) outranks both: it puts back Django's own wording everywhere.
ZH_HANS = {
    "This field is required.": "这个字段是必填项。",
    "Invalid CAPTCHA": "验证码不正确，请重新输入图中的字符。",
}
ZH_LOCALE = ROOT / "zhaoshang" / "locale" / "zh_Hans" / "LC_MESSAGES"


def used_strings():
    """Every string the portal marks: {% translate %}, {% blocktranslate %} and _() in
    its Python files."""
    found = set()
    for path in (PORTAL / "templates" / "portal").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'{%\s*translate\s+"([^"]+)"', text))
        found |= set(re.findall(r"{%\s*translate\s+'([^']+)'", text))
        for body in re.findall(
            r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", text, re.S
        ):
            found.add(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", body))
    for path in PORTAL.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def _quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def po_text(table=None, language="en"):
    table = EN if table is None else table
    lines = [
        "# English for the public portal (zhaoshang/portal). Generated by",
        "# scripts/portal_messages.py from its table; edit the table, not this file.",
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        f'"Language: {language}\\n"',
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
        "",
    ]
    for key in sorted(table):
        lines += [f"msgid {_quote(key)}", f"msgstr {_quote(table[key])}", ""]
    return "\n".join(lines)


def mo_bytes(table=None, language="en"):
    """GNU .mo, as msgfmt writes it: header, two index tables, then the strings."""
    table = EN if table is None else table
    catalogue = {"": f"Content-Type: text/plain; charset=UTF-8\nLanguage: {language}\n", **table}
    keys = sorted(catalogue)
    ids = b""
    strs = b""
    offsets = []
    for key in keys:
        k, v = key.encode(), catalogue[key].encode()
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    n = len(keys)
    start = 7 * 4 + 16 * n
    kout, vout = [], []
    for o1, l1, o2, l2 in offsets:
        kout += [l1, start + o1]
        vout += [l2, start + len(ids) + o2]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    return (
        header
        + struct.pack(f"{len(kout)}i", *kout)
        + struct.pack(f"{len(vout)}i", *vout)
        + ids
        + strs
    )


def main(check=False):
    missing = sorted(used_strings() - set(EN))
    if missing:
        print("门户中这些文字没有英文译文（请补入 scripts/portal_messages.py 的 EN 表）：")
        for m in missing:
            print("  ", m)
        return 1
    files = []
    for folder, table, language in ((LOCALE, EN, "en"), (ZH_LOCALE, ZH_HANS, "zh_Hans")):
        files.append((folder / "django.po", po_text(table, language).encode()))
        files.append((folder / "django.mo", mo_bytes(table, language)))
    if check:
        stale = [
            str(p.relative_to(ROOT))
            for p, want in files
            if not p.exists() or p.read_bytes() != want
        ]
        if stale:
            print(f"{'、'.join(stale)} 与译文表不一致：请运行 scripts/portal_messages.py")
            return 1
        return 0
    for path, content in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        print(f"已写入 {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv))
