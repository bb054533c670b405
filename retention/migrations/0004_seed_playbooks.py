"""Version 1 of the firm-wide playbook for every reason: the steps of Art. 20–29 as a
checklist, in the branch's words. Branches revise them in the admin (each revision is a new
version)."""

from django.db import migrations

PLAYBOOKS = {
    # Art. 20
    "moved_away": [
        ("show_online", "当面演示网上交易：下单、撤单与查询", "Show online trading in person: placing, cancelling and checking an order"),
        ("show_phone", "演示电话委托的拨号与操作步骤", "Show phone ordering step by step"),
        ("show_bank_transfer", "演示银证转账：资金在银行与证券账户之间划转", "Show the bank–securities transfer of funds"),
        ("remote_service", "讲解营业部的非现场服务与咨询渠道", "Explain the branch's remote services and where to get advice"),
        ("give_numbers", "留下服务电话和客户经理的联系方式", "Give the service numbers and the account manager's contact"),
    ],
    # Art. 21
    "equipment": [
        ("listen", "耐心听取客户遇到的故障或交易慢的情况，并记下来", "Listen to the faults or slowness the customer met and write them down"),
        ("promise_repair", "承诺及时检查、维修（记为一项承诺）", "Promise a prompt inspection and repair (record it as a commitment)"),
        ("upgrade_plan", "说明设备和系统的更新安排", "Explain when equipment and systems will be upgraded"),
        ("alt_channel", "修好之前提供其他交易方式（网上、电话）", "Offer another way to trade until it is fixed (online, phone)"),
    ],
    # Art. 22
    "environment": [
        ("listen", "耐心听取客户对营业部环境或服务的意见", "Listen to what the customer finds lacking in the premises or services"),
        ("understand", "了解客户的想法和期望", "Find out what the customer would want instead"),
        ("promise_improve", "答应及时改进（记为一项承诺）", "Promise timely improvement (record it as a commitment)"),
        ("explain", "向客户解释原因并安抚", "Explain the situation and reassure the customer"),
        ("rearrange", "根据实际情况重新安排服务（位置、人员或方式）", "Re-arrange the service to suit the customer (place, staff or way of serving)"),
    ],
    # Art. 23
    "staff_attitude": [
        ("apologise", "当面致歉，诚恳接受批评", "Apologise in person and accept the criticism sincerely"),
        ("accountability", "承诺追究相关人员的责任", "Promise that the staff involved will be held to account"),
        ("fix_problem", "承诺解决客户反映的问题并改进服务（记为一项承诺）", "Promise how the problem will be solved and the service improved (record it as a commitment)"),
        ("ask_defer", "请客户暂缓办理，再体验一段时间的服务", "Ask the customer to defer and try the service again for a while"),
    ],
    # Art. 24
    "research": [
        ("take_suggestions", "虚心听取客户对咨询和信息服务的建议", "Take the customer's suggestions on research and information openly"),
        ("learn_needs", "深入了解客户需要什么信息", "Find out in detail what information the customer needs"),
        ("personalised", "提供个性化、有针对性的咨询服务", "Offer personalised research or advice matched to those needs"),
        ("improve", "承诺改进咨询质量，并把意见反馈给研究部门", "Promise better research and pass the feedback on to the research team"),
    ],
    # Art. 25
    "products": [
        ("learn_what", "了解客户需要哪种产品、交易方式或服务方式", "Find out which product, way of trading or service the customer wants"),
        ("offer_similar", "提供公司现有的最接近的产品或服务", "Offer the nearest product or service the firm has"),
        ("report_head_office", "承诺把需求及时反映给公司（记为一项承诺）", "Promise to report the need to head office (record it as a commitment)"),
        ("ask_defer", "请客户暂缓办理转销户", "Ask the customer to defer the transfer"),
    ],
    # Art. 26
    "competition": [
        ("firm_standing", "介绍公司的行业地位、品牌优势与经营服务理念", "Present the firm's standing, brand and way of serving customers"),
        ("branch_plans", "介绍营业部政策及即将开展的活动与服务", "Present the branch's policies and the events and services to come"),
        ("fair_comparison", "结合客户的情况和资产，客观比较转入转出双方", "Compare both firms fairly, using the customer's own situation and assets"),
        ("targeted_offer", "承诺更有针对性的服务措施（记为一项承诺）", "Promise better-targeted service (record it as a commitment)"),
        ("no_disparaging", "比较时未贬低、中伤竞争对手", "Said nothing to disparage the competitor"),
    ],
    # Art. 27
    "commission": [
        ("service_value", "说明较高佣金与较高层次的服务相匹配", "Explain that a higher rate comes with a higher level of service"),
        ("improve_service", "介绍营业部可以为客户加强的服务", "Describe the service the branch can add for the customer"),
        ("learn_rate", "了解客户期望的佣金费率", "Ask what rate the customer has in mind"),
        ("agree_in_range", "在允许范围内与客户商定费率（记录佣金协议）", "Agree a rate within the permitted range (record the commission agreement)"),
    ],
    # Art. 28
    "staff_left": [
        ("contact_departed", "与离开的员工或经纪人沟通，在规章允许范围内共同稳定客户", "Talk with the departed employee or broker about keeping the customer, within the rules"),
        ("contact_customer", "直接与客户沟通，尽力挽留", "Speak to the customer directly and ask them to stay"),
        ("assign_person", "指定专人或客户服务小组负责后续服务", "Assign a dedicated person or service team for the follow-up"),
    ],
    # Art. 29
    "other": [
        ("real_reason", "详细了解客户的真实想法和转销户原因", "Find out the customer's real thinking and reasons"),
        ("targeted_promise", "做出有针对性的承诺（记为承诺）", "Make targeted promises (record them as commitments)"),
        ("ask_trial", "请客户先体验一段时间再决定", "Ask the customer to try the service for a while before deciding"),
    ],
}


def seed(apps, schema_editor):
    ChurnReason = apps.get_model("transfers", "ChurnReason")
    Playbook = apps.get_model("retention", "Playbook")
    PlaybookStep = apps.get_model("retention", "PlaybookStep")
    for code, steps in PLAYBOOKS.items():
        reason = ChurnReason.objects.filter(code=code).first()
        if reason is None or Playbook.objects.filter(reason=reason, branch__isnull=True).exists():
            continue
        playbook = Playbook.objects.create(
            reason=reason, branch=None, version=1, note="Art. 20–29"
        )
        PlaybookStep.objects.bulk_create(
            [
                PlaybookStep(playbook=playbook, position=i, key=key, text_zh=zh, text_en=en)
                for i, (key, zh, en) in enumerate(steps, start=1)
            ]
        )


def unseed(apps, schema_editor):
    Playbook = apps.get_model("retention", "Playbook")
    Playbook.objects.filter(branch__isnull=True, version=1, attempts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("retention", "0003_playbooks_memos_commitments_warnings")]
    operations = [migrations.RunPython(seed, unseed)]
