"""Place names that appear in brackets in company names ("华为技术（深圳）有限公司"):
provinces and their short forms, major cities, and 中国. Dropped when names are compared."""

PROVINCES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
    "广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"
).split()
CITIES = (
    "深圳 广州 杭州 南京 苏州 无锡 宁波 厦门 青岛 济南 大连 沈阳 长春 哈尔滨 武汉 长沙 成都 西安 "
    "郑州 合肥 福州 南昌 昆明 贵阳 南宁 海口 三亚 兰州 银川 西宁 乌鲁木齐 拉萨 呼和浩特 石家庄 太原 "
    "东莞 佛山 珠海 惠州 中山 温州 绍兴 嘉兴 常州 南通 徐州 烟台 潍坊 唐山 保定 廊坊 滨海 雄安 浦东"
).split()

REGION_WORDS = frozenset(
    ["中国", "中国大陆", "亚洲", "亚太"]
    + PROVINCES
    + [p + "省" for p in PROVINCES]
    + [p + "市" for p in PROVINCES]
    + ["内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区"]
    + ["香港特别行政区", "澳门特别行政区"]
    + CITIES
    + [c + "市" for c in CITIES]
)

# Places that lead a registered name (深圳市腾讯计算机系统有限公司, 广东省深圳市…): the
# provinces and cities, not 中国, which is part of names such as 中国石油化工.
LEADING_PLACES = REGION_WORDS - {"中国", "中国大陆", "亚洲", "亚太"}

_SHORT = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
    "香港特别行政区": "香港",
    "澳门特别行政区": "澳门",
}


def short_form(place):
    """深圳市 → 深圳, 广东省 → 广东, 广西壮族自治区 → 广西: one spelling per place."""
    if place in _SHORT:
        return _SHORT[place]
    if place[-1] in "省市" and place[:-1] in REGION_WORDS:
        return place[:-1]
    return place
