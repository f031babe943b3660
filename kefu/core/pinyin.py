"""Pinyin for names, so agents can search 王建国 by typing wjg or wangjianguo.

pypinyin reads a character by its commonest sound; surnames often read differently (曾 is zeng, not
ceng; 单 is shan, not dan). A name's first one or two characters are looked up in the surname
dictionary first, compound surnames before single ones.
"""

from functools import lru_cache

from pypinyin import lazy_pinyin

COMPOUND_SURNAMES = {
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "上官": ("shang", "guan"),
    "诸葛": ("zhu", "ge"),
    "东方": ("dong", "fang"),
    "皇甫": ("huang", "fu"),
    "尉迟": ("yu", "chi"),
    "公孙": ("gong", "sun"),
    "慕容": ("mu", "rong"),
    "长孙": ("zhang", "sun"),
    "宇文": ("yu", "wen"),
    "司徒": ("si", "tu"),
    "夏侯": ("xia", "hou"),
    "令狐": ("ling", "hu"),
    "单于": ("chan", "yu"),
    "万俟": ("mo", "qi"),
    "澹台": ("tan", "tai"),
    "轩辕": ("xuan", "yuan"),
    "端木": ("duan", "mu"),
    "百里": ("bai", "li"),
    "呼延": ("hu", "yan"),
    "东郭": ("dong", "guo"),
    "南宫": ("nan", "gong"),
    "闻人": ("wen", "ren"),
    "赫连": ("he", "lian"),
}
SURNAMES = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "乐": "yue",
    "覃": "qin",
    "缪": "miao",
    "盖": "ge",
    "翟": "zhai",
    "种": "chong",
    "秘": "bi",
    "折": "she",
    "黑": "he",
    "重": "chong",
    "都": "du",
    "任": "ren",
    "华": "hua",
    "纪": "ji",
    "燕": "yan",
    "沈": "shen",
    "尉": "yu",
    "宁": "ning",
    "便": "pian",
    "过": "guo",
    "员": "yun",
    "句": "gou",
    "召": "shao",
    "阚": "kan",
    "柏": "bai",
    "薄": "bo",
    "卜": "bu",
    "长": "chang",
    "传": "chuan",
    "祭": "zhai",
    "郇": "huan",
    "繁": "po",
    "蕃": "pi",
    "盛": "sheng",
    "石": "shi",
    "藏": "zang",
    "莘": "shen",
    "冼": "xian",
    "洗": "xian",
    "贾": "jia",
    "万": "wan",
    "叶": "ye",
    "隗": "wei",
    "那": "na",
    "哈": "ha",
    "能": "nai",
    "大": "da",
    "胥": "xu",
    "应": "ying",
    "缴": "jiao",
    "车": "che",
    "殷": "yin",
    "粘": "nian",
    "红": "hong",
    "角": "jue",
    "甄": "zhen",
    "曲": "qu",
    "朝": "chao",
    "相": "xiang",
    "奇": "ji",
    "瞿": "qu",
    "芮": "rui",
    "佴": "nai",
    "亓": "qi",
    "逄": "pang",
    "臧": "zang",
    "宓": "mi",
    "谌": "chen",
    "乜": "nie",
}


@lru_cache(maxsize=65536)
def name_pinyin(name: str, *, personal: bool = True) -> tuple[str, str]:
    """(full pinyin, initials) in lower case, letters only. `personal` applies surname readings."""
    name = (name or "").strip()
    if not name:
        return "", ""
    head: list[str] = []
    rest = name
    if personal and name[:2] in COMPOUND_SURNAMES:
        head, rest = list(COMPOUND_SURNAMES[name[:2]]), name[2:]
    elif personal and name[0] in SURNAMES:
        head, rest = [SURNAMES[name[0]]], name[1:]
    syllables = head + [s for s in lazy_pinyin(rest, errors="ignore") if s.isascii()]
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()
    return _letters(full), _letters(initials)


def _letters(text: str) -> str:
    return "".join(c for c in text if "a" <= c <= "z")
