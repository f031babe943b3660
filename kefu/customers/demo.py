"""Demo customers: realistic, deterministic, as many as asked for (ten thousand by default, a million
for the benchmarks).

Customer n (counting from 1) is the same customer on every machine for a given seed: the details are
drawn from a random generator seeded by (seed, block of 1,000), and every number that must be unique
(customer number, resident ID, credit code, 户号, 接水点编号, 表号) is derived from n itself, so a
million of them never collide, whatever the seed, and a second run can tell which are there already.
The first few customers are fixed people that the browser tests and the docs name (王建国 …).

Everything generated passes the archive's own validation rules (a test checks a sample).
"""

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from django.utils import timezone

from kefu.accounts.models import ServiceArea
from kefu.core.registry import Seeder
from kefu.core.validators import resident_id_check_digit, uscc_check_char
from kefu.customers.bulk import (
    BackgroundWriter,
    NewAccount,
    NewContact,
    NewContract,
    NewCustomer,
    NewMeter,
    NewServicePoint,
    write_customers,
)
from kefu.customers.models import Customer, ServicePoint
from kefu.customers.services import customer_number

DEFAULT_SEED = 2026
DEFAULT_COUNT = 10_000
# The generator must not depend on the day it runs, or a second run would make different people.
REFERENCE_DATE = date(2026, 10, 31)
BLOCK = 1000

INDIVIDUAL, UNIT, CLUSTER = Customer.Kind.INDIVIDUAL, Customer.Kind.UNIT, Customer.Kind.CLUSTER
RESIDENTIAL = ServicePoint.WaterUse.RESIDENTIAL
NON_RESIDENTIAL = ServicePoint.WaterUse.NON_RESIDENTIAL
SPECIAL = ServicePoint.WaterUse.SPECIAL
# Chinese labels as the import file writes them (not the translatable choice labels).
KIND_NAMES = {"individual": "个人", "unit": "单位", "cluster": "集群"}
WATER_USE_NAMES = {
    "residential": "居民生活用水",
    "non_residential": "非居民用水",
    "special": "特种行业用水",
    "fire": "消防用水",
}

# fmt: off
# Area code: (district, roads, residential estates) of the demo utility's six areas.
AREAS = {
    "CD": ("上城区", "解放东路 秋涛北路 凯旋路 景芳路 机场路 采荷路 庆春东路 新塘路".split(),
           "景芳三区 采荷新村 三里亭苑 新塘家园 凯旋花园 东园小区 庆和苑 钱江新城嘉苑".split()),
    "CX": ("西湖区", "文三路 古墩路 文一西路 教工路 学院路 天目山路 莫干山路 益乐路".split(),
           "翠苑一区 翠苑三区 金色家园 嘉绿苑 益乐新村 骆家庄 紫金港花园 文新小区".split()),
    "CN": ("上城区", "南星路 复兴路 江城路 望江路 秋涛南路 九堡大道 凤起东路 之江路".split(),
           "望江家园 复兴南苑 南星公寓 九堡家苑 近江小区 江城花园 御道社区 梅花碑新村".split()),
    "CB": ("拱墅区", "湖墅南路 上塘路 石桥路 半山路 丽水路 登云路 大关路 小河路".split(),
           "德胜新村 朝晖六区 大关西苑 和睦新村 半山家园 东新园 石桥公寓 瓜山小区".split()),
    "GX": ("滨江区", "滨安路 江南大道 长河路 西兴路 网商路 江虹路 东信大道 六和路".split(),
           "江南春城 滨江花园 闻涛苑 白金海岸 钱江湾花园 东方郡 星耀城 春波小区".split()),
    "LJ": ("钱塘区", "临江大道 新湾路 围垦街 江东大道 青六路 义蓬路 头蓬路 前进路".split(),
           "临江花园 新湾家园 江东一区 围垦新村 义蓬佳苑 头蓬小区 前进公寓 金沙湖苑".split()),
}
# Surnames with rough frequencies per thousand people; 曾, 单 and the compound 欧阳 show off pinyin.
SURNAMES = (
    "王72 李72 张69 刘54 陈46 杨32 黄24 赵23 吴21 周21 徐18 孙15 马15 朱14 胡13 郭12 何12 林11 高11 "
    "罗10 郑10 梁9 谢8 宋7 唐7 许7 韩6 冯6 邓6 曹6 彭6 曾5 肖5 田5 董5 袁4 潘4 于4 蒋4 蔡4 余4 杜4 "
    "叶4 程4 苏3 魏3 吕3 丁3 任3 沈3 姚3 卢3 姜3 崔3 钟3 谭3 陆3 汪3 范3 金3 方3 单1 欧阳1 诸葛1 "
    "司马1 上官1 解1 仇1"
).split()
MALE = ("伟 强 磊 军 勇 杰 涛 明 超 刚 平 辉 鹏 华 飞 斌 宇 浩 凯 健 建国 建华 建军 志强 志明 国强 国庆 文斌 "
        "海涛 晓东 晓明 永刚 振华 子轩 浩然 宇航 梓豪 俊杰 一鸣 家豪 博文 思远 德胜").split()
FEMALE = ("芳 娜 敏 静 丽 艳 娟 霞 燕 玲 婷 雪 琳 莉 颖 秀英 秀兰 桂英 玉兰 玉梅 海燕 晓燕 丽华 美玲 雅琴 "
          "婉婷 欣怡 梓涵 雨涵 诗涵 子涵 思雨 佳怡 可馨 语桐 一诺 雅静 慧敏 春梅 丽娟").split()
BRANDS = ("鑫盛 华泰 恒达 东方 金桥 瑞丰 汇通 永安 宏远 新兴 锦华 天和 隆昌 佳美 德顺 百川 万象 "
          "联创 润泽 同福").split()
TRADES = [(trade, NON_RESIDENTIAL) for trade in (
    "餐饮有限公司 酒店管理有限公司 物业管理有限公司 商贸有限公司 食品有限公司 建筑工程有限公司 "
    "纺织印染有限公司 超市 医药连锁有限公司 科技有限公司 宾馆").split()]
TRADES += [(trade, SPECIAL) for trade in "汽车服务有限公司 洗浴中心 洗涤服务有限公司".split()]
INSTITUTIONS = "小学 中学 幼儿园 社区卫生服务中心 社区服务中心".split()
# Resident ID regions: districts of the city and a few places people move from. 330103 and 330104
# (the old 下城区 and 江干区) are left for the known customers, so theirs cannot meet a generated one.
ID_REGIONS = ("330102 330105 330106 330108 330109 330110 330114 330182 330302 340102 360102 410105 "
              "420106 430102 510104 320102").split()
ORG_REGIONS = "330102 330105 330106 330108 330114".split()
MOBILE_PREFIXES = ("130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 173 177 "
                   "180 181 182 183 186 187 188 189 191 198 199").split()
RESIDENT_CALIBERS = [15] * 6 + [20] * 3 + [25]  # most homes have a DN15 meter
# DN32 and DN65 are real sizes no cycle of ch.4 §4.1.1 covers: the plan lists them as unconfigured.
UNIT_CALIBERS = [25, 25, 32, 40, 40, 50, 50, 65, 80, 100, 150]
CLUSTER_CALIBERS = [80, 100, 100, 150, 150, 200, 300]
CONTACT_RELATIONS = "配偶 子女 租户 父母".split()
UNIT_CONTACTS = "后勤主管 财务 负责人".split()
CLUSTER_SUFFIXES = ["", "", "二期", "三期"]
# fmt: on

_SURNAMES = [s.rstrip("0123456789") for s in SURNAMES]
_SURNAME_CUMULATIVE = list(
    accumulate(int(s[len(name) :]) for s, name in zip(SURNAMES, _SURNAMES, strict=True))
)
_BIRTH_FIRST = date(1940, 1, 1)
_BIRTH_DAYS = (date(2006, 12, 31) - _BIRTH_FIRST).days + 1
_ID_SPACE = len(ID_REGIONS) * _BIRTH_DAYS * 1000
_ID_STEP = 1_000_003  # a prime that does not divide _ID_SPACE: n -> n * step mod space is one-to-one
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_INSTALL_FIRST = date(2012, 1, 1)
_INSTALL_DAYS = (REFERENCE_DATE - _INSTALL_FIRST).days
# The meter in place today was fitted at the last age-based replacement (ch.4 §4.1.1: DN15–25 every 6
# years, DN40–50 every 4, DN80–300 every 2), a few months' backlog included, so that a year's
# replacement plan lists about one meter in six and a few carried over, as a utility that keeps up has.
_CYCLE_YEARS = {15: 6, 20: 6, 25: 6, 40: 4, 50: 4, 80: 2, 100: 2, 150: 2, 200: 2, 300: 2}
_BACKLOG_DAYS = 100


def _current_meter_installed(connected: date, caliber: int) -> date:
    years = _CYCLE_YEARS.get(caliber)
    if years is None:
        return connected  # no cycle: the first meter is still in place
    span = years * 365 + _BACKLOG_DAYS
    return REFERENCE_DATE - timedelta(days=(REFERENCE_DATE - connected).days % span)


_ZERO = Decimal("0")


@dataclass(frozen=True)
class KnownCustomer:
    name: str
    area: str
    phone: str
    address: str
    why: str
    kind: str = INDIVIDUAL
    birth: str = "19800101"
    male: bool = True
    id_region: str = "330103"
    arrears: str = "0"
    low_income: bool = False
    households: int = 1


# Customers 1, 2, 3 … are these, so that tests and the user guide can name them.
# fmt: off
KNOWN = [
    KnownCustomer("王建国", "CX", "13812345678", "西湖区文三路100号翠苑一区3幢2单元501室",
                  "按姓名、拼音 wjg、电话 13812345678 或其后四位 5678 查询", birth="19650315"),
    KnownCustomer("曾国藩", "CN", "13900001111", "上城区望江路12号望江家园5幢1单元302室",
                  "姓氏读音：曾 zeng（不是 ceng），拼音首字母 zgf", birth="19581102"),
    KnownCustomer("单田芳", "CB", "13900002222", "拱墅区湖墅南路66号德胜新村2幢3单元201室",
                  "姓氏读音：单 shan（不是 dan），拼音首字母 stf", birth="19620525"),
    KnownCustomer("欧阳秀英", "CD", "057186123456", "上城区凯旋路208号凯旋花园7幢1单元602室",
                  "复姓欧阳，拼音首字母 oyxy；固定电话", birth="19700808", male=False, id_region="330104"),
    KnownCustomer("李秀兰", "CX", "13900003333", "西湖区古墩路588号金色家园11幢2单元101室", "低保户",
                  birth="19490214", male=False, low_income=True),
    KnownCustomer("张伟", "GX", "13900004444", "滨江区江南大道3588号江南春城8幢1单元1203室",
                  "有欠费 356.80 元：办理须无欠费的业务前应先结清", birth="19880630", arrears="356.80"),
    KnownCustomer("鑫盛餐饮有限公司", "LJ", "057186998877", "钱塘区临江大道1288号",
                  "单位客户，统一社会信用代码", kind=UNIT),
    KnownCustomer("金色家园", "CX", "057188776655", "西湖区古墩路588号金色家园",
                  "集群客户（小区总表），486户", kind=CLUSTER, households=486),
]
# fmt: on


def _pick(r, items):
    return items[int(r() * len(items))]


def _between(r, low: int, high: int) -> int:
    """An integer in [low, high), like randrange but several times faster."""
    return low + int(r() * (high - low))


class DemoGenerator:
    """Makes demo customer n for a seed. `areas` maps area code to the ServiceArea id."""

    def __init__(self, seed: int, areas: dict[str, int]):
        self.seed = seed
        self.areas = areas
        self.area_codes = [code for code in AREAS if code in areas] or sorted(areas)
        self.codes_by_id = {pk: code for code, pk in areas.items()}

    def customers(self, first: int, last: int) -> Iterator[NewCustomer]:
        """Customers first..last (inclusive), in order."""
        block = (first - 1) // BLOCK
        while block * BLOCK + 1 <= last:
            r = random.Random(self.seed * 1_000_003 + block).random
            for n in range(block * BLOCK + 1, block * BLOCK + BLOCK + 1):
                customer = self._customer(n, r)  # made even when not wanted, to keep the random stream
                if first <= n <= last:
                    yield customer
            block += 1

    def _customer(self, n: int, r) -> NewCustomer:
        roll = r()
        kind = INDIVIDUAL if roll < 0.93 else UNIT if roll < 0.99 else CLUSTER
        area_code = _pick(r, self.area_codes)
        if n <= len(KNOWN) and KNOWN[n - 1].area in self.areas:
            area_code = KNOWN[n - 1].area
        district, roads, estates = AREAS.get(area_code, AREAS["CX"])
        road, estate, road_no = _pick(r, roads), _pick(r, estates), _between(r, 1, 1200)
        installed = _INSTALL_FIRST + timedelta(days=_between(r, 0, _INSTALL_DAYS))
        households = 1
        if kind == INDIVIDUAL:
            id_type, id_number = Customer.IdType.RESIDENT_ID, self._resident_id(n)
            name = self._person_name(r, male=int(id_number[16]) % 2 == 1)
            address = (
                f"{district}{road}{road_no}号{estate}{_between(r, 1, 40)}幢{_between(r, 1, 5)}单元"
                f"{_between(r, 1, 19)}{_between(r, 1, 5):02d}室"
            )
            caliber, water_use = _pick(r, RESIDENT_CALIBERS), RESIDENTIAL
            phone = self._mobile(r) if r() < 0.88 else self._landline(r)
        elif kind == UNIT:
            name, water_use = self._unit_name(r, road)
            id_type, id_number = Customer.IdType.CREDIT_CODE, self._credit_code(n, name)
            address = f"{district}{road}{road_no}号"
            caliber = _pick(r, UNIT_CALIBERS)
            phone = self._landline(r) if r() < 0.7 else self._mobile(r)
        else:
            name = estate + _pick(r, CLUSTER_SUFFIXES)
            id_type, id_number = "", ""
            address = f"{district}{road}{road_no}号{name}"
            households, caliber, water_use = _between(r, 20, 600), _pick(r, CLUSTER_CALIBERS), RESIDENTIAL
            phone = self._landline(r)
        opened = installed - timedelta(days=_between(r, 0, 30))
        customer = NewCustomer(
            number=demo_number(n),
            kind=kind,
            name=name,
            id_type=id_type,
            id_number=id_number,
            phone=phone,
            address=address,
            service_area_id=self.areas[area_code],
            household_count=households,
            opened_on=opened,
            event_changes={"source": "demo"},
            event_note="演示数据",
            event_at=timezone.make_aware(datetime(opened.year, opened.month, opened.day, 9, 30)),
        )
        if kind == INDIVIDUAL and r() < 0.032:
            self._low_income(customer, n, r)
        arrears = Decimal(_between(r, 1000, 300000)) / 100 if r() < 0.08 else _ZERO
        installed = _current_meter_installed(installed, caliber)
        years = max((REFERENCE_DATE - installed).days / 365, 0.1)
        reading = Decimal(int((40 + r() * 120) * years * households * 10)) / 10
        self._add_service(customer, n, area_code, arrears, water_use, caliber, installed, reading, r)
        if kind != INDIVIDUAL:
            relation = "物业经理" if kind == CLUSTER else _pick(r, UNIT_CONTACTS)
            customer.contacts.append(
                NewContact(
                    name=self._person_name(r, r() < 0.5),
                    phone=self._mobile(r),
                    relation=relation,
                    is_primary=True,
                )
            )
            customer.contracts.append(
                NewContract(
                    number=f"GYS{opened.year}{n:08d}",
                    signed_on=opened,
                    valid_until=opened.replace(year=opened.year + 5, day=1),
                )
            )
        elif r() < 0.05:
            customer.contacts.append(
                NewContact(
                    name=self._person_name(r, r() < 0.5),
                    phone=self._mobile(r),
                    relation=_pick(r, CONTACT_RELATIONS),
                )
            )
        if n <= len(KNOWN):
            self._make_known(customer, KNOWN[n - 1], n, r)
        return customer

    def _add_service(
        self, customer, n, area_code, arrears, water_use, caliber, installed, reading, r
    ) -> None:
        area_no = list(AREAS).index(area_code) + 1 if area_code in AREAS else 9
        opened = customer.opened_on
        arrears_since = REFERENCE_DATE - timedelta(days=_between(r, 30, 720)) if arrears else None
        customer.accounts.append(
            NewAccount(
                number=f"{area_no}{n:09d}", opened_on=opened, arrears=arrears, arrears_since=arrears_since
            )
        )
        meter = NewMeter(
            number=f"{installed.year % 100:02d}{n:09d}",
            caliber_dn=caliber,
            install_date=installed,
            last_reading=reading,
            last_read_on=REFERENCE_DATE - timedelta(days=_between(r, 0, 60)),
        )
        customer.points.append(
            NewServicePoint(
                connection_point_no=f"JS{area_code}{n:08d}",
                address=customer.address,
                service_area_id=customer.service_area_id,
                water_use=water_use,
                account=0,
                meters=[meter],
            )
        )

    def _low_income(self, customer: NewCustomer, n: int, r) -> None:
        customer.low_income = True
        customer.low_income_certificate = (
            f"DB{customer.id_number[:6]}{_between(r, 2018, 2026)}{n % 1000000:06d}"
        )
        customer.low_income_valid_until = date(_between(r, 2027, 2029), _between(r, 1, 13), 1)

    def _make_known(self, customer: NewCustomer, known: KnownCustomer, n: int, r) -> None:
        """Turn generated customer n into the fixed one the docs name, keeping its unique numbers
        (its area is already the known one's: see _customer). Names and numbers do not depend on
        the seed; dates and readings may."""
        customer.kind, customer.name, customer.phone = known.kind, known.name, known.phone
        customer.address = customer.points[0].address = known.address
        customer.household_count = known.households
        account = customer.accounts[0]
        account.arrears = Decimal(known.arrears)
        account.arrears_since = REFERENCE_DATE - timedelta(days=95) if account.arrears else None
        customer.low_income = False
        customer.low_income_certificate, customer.low_income_valid_until = "", None
        customer.contacts, customer.contracts = [], []
        point, meter = customer.points[0], customer.points[0].meters[0]
        if known.kind == INDIVIDUAL:
            first17 = f"{known.id_region}{known.birth}{n:02d}{1 if known.male else 2}"
            customer.id_type = Customer.IdType.RESIDENT_ID
            customer.id_number = first17 + resident_id_check_digit(first17)
            point.water_use, meter.caliber_dn = RESIDENTIAL, 20
            if known.low_income:
                self._low_income(customer, n, r)
            return
        if known.kind == UNIT:
            customer.id_type, customer.id_number = (
                Customer.IdType.CREDIT_CODE,
                self._credit_code(n, known.name),
            )
            point.water_use, meter.caliber_dn = NON_RESIDENTIAL, 50
        else:
            customer.id_type, customer.id_number = "", ""
            point.water_use, meter.caliber_dn = RESIDENTIAL, 150
        relation = "负责人" if known.kind == UNIT else "物业经理"
        customer.contacts.append(
            NewContact(name="陈志明", phone=f"1390000{n:04d}", relation=relation, is_primary=True)
        )
        opened = customer.opened_on
        customer.contracts.append(
            NewContract(
                number=f"GYS{opened.year}{n:08d}",
                signed_on=opened,
                valid_until=opened.replace(year=opened.year + 5, day=1),
            )
        )

    def _person_name(self, r, male: bool) -> str:
        roll = r() * _SURNAME_CUMULATIVE[-1]
        low, high = 0, len(_SURNAME_CUMULATIVE) - 1
        while low < high:  # bisect by hand: the surnames are weighted by how common they are
            middle = (low + high) // 2
            if _SURNAME_CUMULATIVE[middle] <= roll:
                low = middle + 1
            else:
                high = middle
        return _SURNAMES[low] + _pick(r, MALE if male else FEMALE)

    def _unit_name(self, r, road: str) -> tuple[str, str]:
        if r() < 0.15:
            place = road.removesuffix("路").removesuffix("大道").removesuffix("街")
            return place + _pick(r, INSTITUTIONS), NON_RESIDENTIAL
        trade, water_use = _pick(r, TRADES)
        return _pick(r, BRANDS) + trade, water_use

    def _resident_id(self, n: int) -> str:
        """Region, birth date and sequence from n through a one-to-one map, so never two alike.
        The sequence's last digit gives the sex (odd for men); the caller picks the name to match."""
        k = n * _ID_STEP % _ID_SPACE
        region = ID_REGIONS[k % len(ID_REGIONS)]
        k //= len(ID_REGIONS)
        birth = _BIRTH_FIRST + timedelta(days=k // 1000)
        first17 = f"{region}{birth.year}{birth.month:02d}{birth.day:02d}{k % 1000:03d}"
        return first17 + resident_id_check_digit(first17)

    def _credit_code(self, n: int, name: str) -> str:
        """91 (an enterprise) or 12 (a public institution: schools, clinics), a region, and an
        organisation code of MA plus six characters from n, so unique; then the GB 32100 check."""
        head = "12" if name.endswith(tuple(INSTITUTIONS)) else "91"
        k = n * 7_368_787 % 31**6  # 7368787 is prime to 31: one-to-one for n below 31**6
        body = ""
        for _ in range(6):
            k, digit = divmod(k, 31)
            body = _USCC_CHARS[digit] + body
        first17 = f"{head}{ORG_REGIONS[n % len(ORG_REGIONS)]}MA{body}{n * 7 % 10}"
        return first17 + uscc_check_char(first17)

    def _mobile(self, r) -> str:
        return f"{_pick(r, MOBILE_PREFIXES)}{int(r() * 10**8):08d}"

    def _landline(self, r) -> str:
        return f"0571{_pick(r, '5688888')}{int(r() * 10**7):07d}"

    def import_row(self, customer: NewCustomer) -> dict[str, str]:
        """The customer as a row of the import file (docs/IMPORT.md), by column header."""
        account = customer.accounts[0]
        point = customer.points[0]
        meter = point.meters[0]
        return {
            "客户编号": customer.number,
            "客户类型": KIND_NAMES[customer.kind],
            "客户名称": customer.name,
            "证件号码": customer.id_number,
            "联系电话": customer.phone,
            "地址": customer.address,
            "服务片区": self.codes_by_id[customer.service_area_id],
            "户数": str(customer.household_count),
            "低保户": "是" if customer.low_income else "",
            "低保证号": customer.low_income_certificate,
            "低保证有效期至": customer.low_income_valid_until.isoformat()
            if customer.low_income_valid_until
            else "",
            "户号": account.number,
            "欠费金额": f"{account.arrears:.2f}" if account.arrears else "",
            "接水点编号": point.connection_point_no,
            "用水性质": WATER_USE_NAMES[point.water_use],
            "表号": meter.number,
            "口径DN": str(meter.caliber_dn),
            "安装日期": meter.install_date.isoformat(),
            "最近读数": str(meter.last_reading) if meter.last_reading is not None else "",
            "建档日期": customer.opened_on.isoformat(),
        }


# ------------------------------------------------------------------ correspondence (002 客户管理制度)


@dataclass(frozen=True)
class DemoLetter:
    customer: int  # the known customer's n (1 = 王建国)
    days_ago: int
    hour: int
    channel: str
    direction: str
    title: str
    summary: str
    with_file: bool = True


# fmt: off
CORRESPONDENCE = [
    DemoLetter(1, 20, 10, "letter", "incoming", "关于10月水费偏高的来信",
               "客户认为10月用水量较以往明显偏高，要求复核水表读数"),
    DemoLetter(1, 16, 15, "letter", "outgoing", "水费复核结果告知函",
               "经现场复核，水表运行正常、读数无误；建议检查户内管道及马桶进水阀是否渗漏"),
    DemoLetter(1, 12, 9, "phone_record", "incoming", "在外地询问复核结果",
               "客户在外地出差，来电确认已收到复核结果告知函，表示回家后自行检查户内管道", with_file=False),
    DemoLetter(7, 25, 11, "fax", "incoming", "用水性质变更申请（传真）",
               "因扩大营业面积申请增加用水量，传真附营业执照复印件"),
    DemoLetter(7, 24, 16, "email", "outgoing", "关于用水性质变更所需材料的答复（电子邮件）",
               "已告知须携带营业执照、法定代表人身份证明和单位公章到营业厅办理"),
    DemoLetter(8, 18, 14, "letter", "incoming", "金色家园物业关于高层水压不足的函",
               "11幢以上高层住户反映晚高峰水压不足，请求检测小区二次供水设备"),
    DemoLetter(8, 15, 10, "interview", "incoming", "物业经理到厅沟通二次供水",
               "物业经理到营业厅面谈，约定下周派员检测二次供水设备并告知结果", with_file=False),
    DemoLetter(6, 8, 9, "letter", "outgoing", "欠费催缴通知书",
               "账户欠费356.80元，请于十五日内到营业厅或通过网上缴费结清"),
]
# fmt: on


def seed_correspondence() -> list[str]:
    """Letters, a fax, an e-mail and notes of a call and a meeting in a few known customers' archives
    (their timelines), each written at the time it would have been, through the archive's service.
    Runs once: nothing is added when the demo's correspondence exists."""
    import time_machine
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from kefu.customers.models import Document
    from kefu.customers.services import add_correspondence

    if Document.objects.exclude(channel=Document.Channel.UPLOAD).exists():
        return []
    clerk = get_user_model().objects.filter(username="clerk1").first()
    known = dict(enumerate((customer for _known, customer in known_customers()), start=1))
    if clerk is None:
        return ["演示往来函件未创建：缺少演示营业员 clerk1"]
    today = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    added = 0
    for letter in CORRESPONDENCE:
        customer = known.get(letter.customer)
        if customer is None:
            continue
        moment = today.replace(hour=letter.hour) - timedelta(days=letter.days_ago)
        file = (
            ContentFile(_letter_pdf(letter, customer), name=f"letter-{added + 1}.pdf")
            if letter.with_file
            else None
        )
        with time_machine.travel(moment, tick=False):
            add_correspondence(
                actor=clerk,
                customer=customer,
                channel=letter.channel,
                direction=letter.direction,
                dated_on=moment.date() - timedelta(days=1 if letter.direction == "incoming" else 0),
                title=letter.title,
                summary=letter.summary,
                file=file,
            )
        added += 1
    return [
        f"演示往来函件：{added} 件（信函、传真、电子邮件、长话和面谈记录，见王建国等客户档案的“客户往来”）"
    ]


def _letter_pdf(letter: DemoLetter, customer: Customer) -> bytes:
    """A one-page letter, as a scan of it would read."""
    from io import BytesIO

    from kefu.core.pdf import a4_document, paragraph

    output = BytesIO()
    who = f"致：{customer.name}" if letter.direction == "outgoing" else f"来函人：{customer.name}"
    a4_document(output, title=letter.title).build(
        [paragraph(letter.title, "title"), paragraph(who, "caption"), paragraph(letter.summary, "caption")]
    )
    return output.getvalue()


def demo_number(n: int) -> str:
    return customer_number(n)


@dataclass
class SeedResult:
    wanted: int
    existing: int
    created: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


def seed_customers(
    count: int = DEFAULT_COUNT,
    *,
    seed: int = DEFAULT_SEED,
    batch_size: int = 2 * BLOCK,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Make demo customers 1..count (at least the known ones) that are not there yet.

    Run it again and it adds nothing; run it with a larger count and it adds only the rest. A
    customer number already taken (say by a customer opened by hand) is left alone. Each batch is
    one transaction."""
    started = time.monotonic()
    areas = dict(ServiceArea.objects.values_list("code", "pk"))
    if not areas:
        raise ValueError("没有服务片区：请先创建组织架构（create_demo_organisation）")
    total = max(count, len(KNOWN))
    batch_size = max(BLOCK, batch_size // BLOCK * BLOCK)  # whole blocks: each is drawn only once
    in_range = Customer.objects.filter(number__gte=demo_number(1), number__lte=demo_number(total))
    result = SeedResult(wanted=total, existing=in_range.count(), created=0, seconds=0.0)
    if result.existing < total:
        generator = DemoGenerator(seed, areas)
        with BackgroundWriter() as writer:  # generate batch n+1 while batch n is written
            for first in range(1, total + 1, batch_size):
                last = min(first + batch_size - 1, total)
                done = in_range.filter(number__gte=demo_number(first), number__lte=demo_number(last))
                have = set(done.values_list("number", flat=True)) if result.existing else set()
                if len(have) < last - first + 1:
                    batch = [c for c in generator.customers(first, last) if c.number not in have]
                    writer.submit(write_customers, batch)
                    result.created += len(batch)
                if progress is not None:
                    progress(last - first + 1)
    elif progress is not None:
        progress(total)
    result.seconds = time.monotonic() - started
    return result


def known_customers() -> list[tuple[KnownCustomer, Customer | None]]:
    numbers = [demo_number(n) for n in range(1, len(KNOWN) + 1)]
    found = Customer.objects.select_related("service_area").in_bulk(numbers, field_name="number")
    return [(known, found.get(number)) for known, number in zip(KNOWN, numbers, strict=True)]


# ------------------------------------------------------------------------------- manage.py seed_demo


def add_arguments(parser) -> None:
    parser.add_argument("--customers", type=int, default=DEFAULT_COUNT, help="客户数，默认 10000")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子：同一种子生成同样的数据")
    parser.add_argument("--batch-size", type=int, default=2000, help="每个事务写入的客户数")
    parser.add_argument(
        "--no-correspondence",
        dest="correspondence",
        action="store_false",
        help="不登记演示往来函件（默认在没有函件时为王建国等几户登记信函、传真、电子邮件和长话、面谈记录）",
    )


def check_options(options: dict) -> None:
    from django.core.management.base import CommandError

    if options["customers"] < 0:
        raise CommandError("--customers 不能为负数")


def seed_demo_customers(options: dict) -> list[str]:
    from tqdm import tqdm

    from kefu.core.validators import format_phone
    from kefu.customers.bulk import refresh_statistics

    count, batch_size = options["customers"], options["batch_size"]
    quiet = options.get("verbosity", 1) < 1
    total = max(count, len(KNOWN))
    with tqdm(total=total, unit="户", desc="演示客户", disable=quiet, mininterval=0.5) as bar:
        result = seed_customers(count, seed=options["seed"], batch_size=batch_size, progress=bar.update)
    if result.created >= 10_000:
        refresh_statistics()
    if result.created:
        lines = [
            f"演示客户：新增 {result.created:,} 户（原有 {result.existing:,} 户），"
            f"用时 {result.seconds:.1f} 秒，{result.per_second:,.0f} 户/秒"
        ]
    else:
        lines = [f"演示客户：{result.existing:,} 户已存在，未新增"]
    lines.append("固定演示客户（测试和文档使用）：")
    for known, customer in known_customers():
        if customer is None:
            lines.append(f"  {known.name}：未创建（客户编号已被占用）")
            continue
        lines.append(
            f"  {customer.number} {customer.name} {format_phone(customer.phone)} "
            f"{customer.service_area.name} — {known.why}"
        )
    return lines + (seed_correspondence() if options.get("correspondence", True) else [])


SEEDER = Seeder("customers", 20, seed_demo_customers, arguments=add_arguments, check=check_options)
