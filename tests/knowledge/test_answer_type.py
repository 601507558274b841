"""The answer-type check: "how long", "how much", "any subsidy", "what fine" need an answer
stating one."""

from __future__ import annotations

import pytest

from knowledge import Matcher
from knowledge.answer_type import missing_answer_type


@pytest.mark.parametrize(
    ("question", "answer", "missing"),
    [
        ("吸附棉多长时间换一次", "先隔离现场，然后报告。", "time"),
        ("吸附棉多长时间换一次", "一般三个月更换一次。", None),
        ("台账要保存几年", "不少于5年。", None),
        ("how often must the filter be changed", "at least 2 weeks apart", None),
        ("how often must the filter be changed", "keep the site isolated", "time"),
        ("噪声检测一次要花多少钱", "昼间65 dB(A)，夜间55 dB(A)。", "cost"),
        ("环评审批收费吗", "审批不收取任何费用。", None),
        # A phone number or an address is answered only by an entry giving one.
        ("区环保局审批科电话多少", "报告书60日内作出审批决定。", "contact"),
        ("出了污染事故打哪个电话", "向生态环境部门报告，也可拨12369环保热线。", None),
        ("what is the bureau's phone number", "decides within 60 days", "contact"),
        # Paying is asked as 付钱 / 要钱 / fees as well.
        ("参加这个项目要付钱吗", "区生态环境局组织大企业帮扶小企业。", "cost"),
        ("参加这个项目要付钱吗", "帮扶服务免费。", None),
        ("are there fees for the EIA review", "the bureau decides within 60 days", "cost"),
        ("低氮改造有没有补贴", "执行排放限值50 mg/m³。", "subsidy"),
        ("低氮改造有没有补贴", "可申请省级专项资金。", None),
        ("危废最多能存放多久吗", "一般不超过一年。", None),
        ("危废仓库要贴什么标志", "按HJ 1276设置。", None),
        ("篡改监测数据 罚多少", "法定代表人和主要负责人是直接负责的主管人员。", "penalty"),
        ("篡改监测数据 罚多少", "处2万元以上20万元以下的罚款。", None),
        ("fine for using an unlicensed collector", "a pilot lets small firms pool", "penalty"),
        ("fine for using an unlicensed collector", "fined RMB 100,000", None),
        ("不验收就投产会怎么样", "责令限期改正。", None),
        # A date is no duration: "in force since 2022-01-01" does not say how long to keep it.
        ("危废转移联单要留几年", "转移管理办法自2022年1月1日起施行。", "time"),
        ("危废转移联单要留几年", "办法2021年11月30日公布。", "time"),
        ("危废台账要留几年", "保存不少于5年。", None),
        ("查环评类别用的名录是几几年版的", "按2021年版名录。", None),
        # Dates, head counts, training hours and sizes likewise.
        ("季度执行报告每季度几号之前要交", "季度报告在季度结束后提交。", "date"),
        ("年报几月几号前要交", "每年3月15日前披露上一年度报告。", None),
        ("固废台账指南是哪年第几号公告", "生态环境部公告2021年第82号。", None),
        ("预案评审专家组要几个人", "评审由企业组织，请专家参加。", "people"),
        ("安全管理人员要配几名", "从业人员超过100人的，配专职人员。", None),
        ("危废管理员每年要培训多少学时", "定期组织培训并记录。", "hours"),
        ("老板初次安全培训要多少学时", "初次培训不少于32学时。", None),
        ("分区标志牌尺寸有规定吗", "按HJ 1276设置分区标志。", "size"),
        ("吨桶上的危废标签要多大", "容积大于450 L的，标签不小于200 mm × 200 mm。", None),
        ("太湖一级保护区范围多大", "太湖湖体、沿湖岸5公里区域。", None),
    ],
)
def test_missing_answer_type(question: str, answer: str, missing: str | None) -> None:
    assert missing_answer_type(question, answer) == missing


@pytest.mark.parametrize(
    "question",
    [
        "危废桶漏了以后吸附棉多久换一次",
        "how often should we change the absorbent pads after a hazardous waste leak",
        "三类区厂界噪声测一次要花多少钱",
        "环评报告书审批有没有补贴",
    ],
)
def test_question_the_entry_does_not_answer_gets_choices_not_an_answer(
    matcher: Matcher, question: str
) -> None:
    # Each shares its topic with one entry (leak steps, noise limits, approval time), whose
    # answer states no interval, price or subsidy: offering it is fine, asserting it is not.
    outcome = matcher.ask(question)
    assert outcome.status == "suggest"
    assert outcome.answer is None


def test_same_topic_question_the_entry_does_answer_is_still_answered(matcher: Matcher) -> None:
    assert matcher.ask("危废桶漏了 第一步该干嘛").status == "answered"
    stored = matcher.ask("危废在厂里最多放多久")
    assert stored.status == "answered"
    assert stored.answer is not None and "一年" in stored.answer
