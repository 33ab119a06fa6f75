"""Every command's ``--help`` in Chinese: one catalogue of the words a clerk reads, laid over the commands.

The commands' docstrings stay where the code is (they say what a function is
for, to a developer); what ``--help`` prints comes from here, applied when
``cli.main`` loads a command. A command or option missing from the catalogue
keeps its own text, and ``tests/e2e/test_chinese_throughout.py`` fails on any
English it finds there — so a new command gets its Chinese help here.
"""

from __future__ import annotations

from typing import Any

from .help_projects import AWARD_OPTIONS
from .help_projects import HELP as PROJECT_HELP
from .help_projects import SUMMARIES as PROJECT_SUMMARIES

DATE = "业务日期, YYYY-MM-DD (默认今天; 不能晚于今天)。"
WITNESS = (
    "同时把封存写成留存目录 DIR 中的一个文件 (本单位在数据库之外自己保存的副本; 或设置 GRANTLEDGER_WITNESS); "
    "verify --witness DIR 用其中每一份核对日志。"
)

# The one-line summaries ``grantledger --help`` lists.
SUMMARIES = {
    "init": "创建或升级数据库; 第一个运行的人成为管理员。",
    "role": "授予、收回、列出角色和绑定的签名钥匙 (管理员)。",
    "key": "个人签名钥匙: 生成、更换。",
    "fund": "专项资金: 设立、按年度下达预算、列表。",
    "unit": "单位 (统一社会信用代码): 登记、列表、查看、更名。",
    "policy": "政策目录: 列表、查看、测算、载入。",
    "apply": "提交申报。",
    "evaluate": "记录申报的评审等级。",
    "award": "批复申报, 占用资金预算。",
    "reject": "驳回申报。",
    "disburse": "拨付批复资金 (全部或部分)。",
    "approve": "第二人审批: 待审批的拨付、投资、股权退出或核销, 或更正、调整资金来源、重新开账的文号。",
    "void": "作废待审批的拨付或投资, 或撤回待审批的更正、调整资金来源、退出、核销、重新开账。",
    "spend": "登记单位使用专项资金的支出。",
    "recover": "追回资金到专项资金。",
    "reverse": "红字冲正已入账的业务。",
    "invest": "以股权投资方式拨付 (拨改投)。",
    "convert": "先投后股: 把已拨付的资金转为股权。",
    "exit": "出售 (部分) 股权, 收入回到资金。",
    "write-off": "核销破产企业的股权。",
    "close": "年终结账 (结转结余), 锁定该年度并封存日志。",
    "reopen": "提请重新开账 (须第二人确认)。",
    "seal": "封存日志: 位置、链头哈希和全部余额的哈希, 并签名。",
    "report": "报表: 批复 资金 单位 上限 条款 股权 试算平衡 待审批 结转结余 月度执行进度 逾期未验收。",
    "statement": "项目资金对账单 (给项目承担单位): xlsx、PDF 或 JSON。",
    "history": "申报、单位、资金或凭证的全部事件。",
    "province": "全省: 汇总各城市的报表, 逐个核验各城市的账本。",
    "replay": "从事件日志重建全部读模型。",
    "verify": "校验哈希链、读模型和试算平衡。",
    "export": "导出事件日志、账簿 (beancount、hledger) 和记账凭证。",
    "batch": "执行 JSON Lines 或 xlsx 文件中的命令; 批量命令模板。",
    "voucher": "打印凭证 (拨付审批单等) 为 PDF。",
    "serve": "启动只读网页视图 (默认仅本机)。",
    "demo": "在新的 SQLite 账本上运行演示。",
}

ROOT = (
    """grantledger — 科技专项资金账本 (事件溯源)。

每一笔事实都是不可修改的事件; 报表是事件日志的投影; verify 证明什么都没有被改动。

\b
快速开始:
  grantledger init
  grantledger fund create KJ2024 --name "科技创新专项资金"
  grantledger fund appropriate KJ2024 --year 2024 --amount 5000万 --doc 青财预〔2024〕1号
  grantledger report funds
""",
    {
        "--read-db": "只读副本 (PostgreSQL 备库): report、history、verify 和 serve 从它读取, 并说明它落后主库多少。",
        "--db": (
            "数据库: sqlite:///文件 (默认 sqlite:///grantledger.db) 或 postgresql+psycopg://用户@主机/库"
            " (密码放在 ~/.pgpass; 本机套接字 ?host=/var/run/postgresql; 服务 ?service=服务名)。"
        ),
        "--actor": "操作人 (默认: 操作系统用户)。",
        "--format": "输出格式: table 给人看, json/csv 给程序。",
        "--log-file": "把结构化 JSON 日志追加到此文件。",
        "--verbose": "同时把日志写到标准错误输出。",
    },
)

HELP: dict[str, tuple[str, dict[str, str]]] = {
    "init": (
        """创建数据库, 或把它升级到最新版本。

第一个运行 init 的人成为账本的管理员。再次运行是安全的: 只补上缺少的迁移 (仅管理员)。
安装新版本后先运行 init: 旧版本记下的批复按日志补记进平台类累计总额和每年 (每周期) 一次的标记, 只补一次。

\b
示例:
  grantledger init
  grantledger --db postgresql+psycopg://ledger@db.example/ledger init
  grantledger --db 'postgresql+psycopg:///ledger?host=/var/run/postgresql' init
  grantledger --db sqlite:///srv/kjj/ledger.db init --group kjj
""",
        {"--group": "SQLite: 让本组的所有账号共用这个文件 (文件与文件夹归该组、组可写, 文件夹设置组继承位 g+s)。"},
    ),
    "role": ("角色: admin 管理员、clerk 经办人、reviewer 评审人、approver 审批人、auditor 审计人员。", {}),
    "role grant": (
        """给 ACTOR 授予角色 ROLE (仅管理员), 并绑定 ACTOR 的签名钥匙。授权是事件, 在历史中可查。

带 --key (正式做法): ACTOR 在自己的账户上用 key new 生成钥匙, 私钥由本人保管 (本人保管)。
不带 --key: 账本在本账户的钥匙串中为 ACTOR 生成钥匙 (代管), 只适合试用或一人一终端。

\b
示例:
  grantledger role grant wang.li clerk --key ed25519:3q2+7w…
  grantledger role grant zhao.min approver
  grantledger role grant audit.office auditor
""",
        {"--key": "ACTOR 的公钥 (由 key new 生成)。"},
    ),
    "role list": (
        """列出每个人、其角色和签名钥匙: 指纹、保管方式 (本人保管/代管)、启用日期。

\b
示例:
  grantledger role list
""",
        {},
    ),
    "role revoke": (
        """收回 ACTOR 的角色 ROLE (仅管理员); 没有任何角色的人不能再操作。

\b
示例:
  grantledger role revoke wang.li clerk
""",
        {},
    ),
    "key": ("个人签名钥匙 (Ed25519), 保存在 $GRANTLEDGER_KEYS (默认 ~/.config/grantledger/keys)。", {}),
    "key new": (
        """在本账户的钥匙串中为 --actor 生成钥匙对, 并显示公钥。

把显示的公钥交给管理员, 由管理员运行 role grant 姓名 角色 --key 公钥 绑定。
私钥不离开钥匙串; 设置 GRANTLEDGER_PASSPHRASE 可用口令保护它。

\b
示例:
  grantledger --actor wang.li key new
""",
        {},
    ),
    "key rotate": (
        """把 --actor 的钥匙换成新钥匙, 由旧钥匙签名认可 (旧钥匙此后不能再操作)。

\b
示例:
  grantledger --actor wang.li key rotate
""",
        {},
    ),
    "fund": ("专项资金及其年度预算。", {}),
    "fund create": (
        """设立一项专项资金 (有名称的预算资金池)。

\b
示例:
  grantledger fund create KJ2024 --name "市科技创新专项资金"
  grantledger fund create TZ --name "科技股权投资专项" --approval-threshold 50万 --approval-window 60
""",
        {
            "--name": "资金名称。",
            "--approval-threshold": "单笔达到此金额的付款须第二人审批 (默认 1,000,000 元)。",
            "--approval-window": "同一批复在此天数内的付款合并计算是否达到审批阈值 (默认 30 天)。",
            "--city": "资金使用范围: 只用于该城市的政策 (青岛 或 威海); 不填则不限。",
            "--clauses": "资金使用范围: 只用于这些条款 (条款编号, 以逗号分隔)。",
            "--date": DATE,
        },
    ),
    "fund appropriate": (
        """为资金下达某年度的预算。

\b
示例:
  grantledger fund appropriate KJ2024 --year 2024 --amount 5000万 --doc 青财预〔2024〕12号
""",
        {
            "--year": "预算年度 (可以是来年)。",
            "--amount": "金额, 如 5000万、1.2亿、3,000,000.00。",
            "--doc": "预算文号; 同一文号只下达一次。",
            "--date": "业务日期, YYYY-MM-DD (默认今天)。",
        },
    ),
    "fund list": (
        """列出每项资金: 名称、审批阈值、各年度预算合计。

\b
示例:
  grantledger fund list
  grantledger --format json fund list
""",
        {},
    ),
    "unit": ("单位: 企业、高校、科研院所、医疗机构、创投机构。", {}),
    "unit register": (
        """按统一社会信用代码登记单位 (按 GB 32100-2015 校验)。

代码第 3–8 位是登记机关的行政区划: 青岛的条款须是青岛的单位 (3702xx), 威海的条款须是威海的单位 (3710xx)。
省级或国家机关发的代码 (370000、100000 …) 不指明城市: 用 --region 和 --region-doc 给出 (已登记的单位也可补登)。

\b
示例:
  grantledger unit register 91370200MA3C1A2B3K --name "青岛海洋科技有限公司" --type enterprise
  grantledger unit register 12370000MB00000012 --name "山东省某研究院" --type institute \\
      --region 370200 --region-doc 鲁科字〔2024〕1号
""",
        {
            "--name": "单位登记名称。",
            "--type": "单位类型: enterprise university institute hospital investor other (或 企业 高校 科研院所 …)。",
            "--region": "代码由省级或国家机关核发的单位所在城市 (370200 青岛, 371000 威海)。",
            "--region-doc": "确定单位所在地的文件 (与 --region 一起)。",
            "--date": DATE,
        },
    ),
    "unit list": (
        """列出每个已登记的单位: 代码、名称、类型、登记日期、申报数、批复和拨付金额。

\b
示例:
  grantledger unit list
  grantledger --format csv unit list > units.csv
""",
        {},
    ),
    "unit show": (
        """查看一个单位: 名称、类型和其各项批复的资金。

\b
示例:
  grantledger unit show 91370200MA3C1A2B3K
""",
        {},
    ),
    "unit rename": (
        """登记单位更名; 历史中保留原名称。

\b
示例:
  grantledger unit rename 91370200MA3C1A2B3K --name "青岛海洋智能科技有限公司" --doc 青市监变〔2024〕88号
""",
        {"--name": "单位新的登记名称。", "--doc": "记载变更的文件 (如变更登记通知书文号)。", "--date": DATE},
    ),
    "policy": (
        """政策目录: 青岛、威海各项政策文件的每个条款, 注明出处。

宣布而未印发的条款 (如人才条款) 在印发文件载入前不能申报; 平台类条款对同一单位在有效期内累计计算上限;
1:1 配套和"投资额的 10%"按比例足额; 青岛的条款只用于青岛的单位, 威海的条款只用于威海的单位。

管理员用 policy load 文件 载入新印发的文件 (格式见 docs/policy-format.md); list 和 show 说明每个条款的来源。
""",
        {},
    ),
    "policy list": (
        """列出条款 (可只列某日有效的)。

\b
示例:
  grantledger policy list
  grantledger policy list --in-force 2024-09-01
""",
        {"--in-force": "只列此日期有效的条款 (YYYY-MM-DD)。"},
    ),
    "policy show": (
        """查看一个条款: 出处 (文件、文号、条目)、原文、有效期、支持标准与上限、适用单位和资助方式。

表格为经办人而写 (日期和金额用文字); JSON 另有机器可读的规则和开发说明。

\b
示例:
  grantledger policy show qd2024-14-hnte-first
""",
        {},
    ),
    "policy quote": (
        """测算: 按条款, 扣除该单位已用的年度上限后, 现在最多可批多少, 以及原因。

\b
示例:
  grantledger policy quote qd2020-kc16-key-project-team --unit 91370200MA3C1A2B3K --date 2022-06-01
  grantledger policy quote qd2020-intl-base-national --unit 12370200MB12345671 --grade good --date 2021-05-01
""",
        {
            "--unit": "单位的统一社会信用代码。",
            "--grade": "评审等级 (条款按等级给予时)。",
            "--base": "计算基数 (按比例给予的条款)。",
            "--date": "测算日期 (默认今天; 可以是将来)。",
            "--platform": "平台类条款: 按这个平台 (或奖项) 的累计测算。",
        },
    ),
    "policy load": (
        """载入新印发的政策文件 (仅管理员), 用政策目录自己的格式书写。

文件是 UTF-8 的 TOML: 一个文件表 (编号、标题、文号 doc_number 必填, 发文机关、印发日期、有效期、城市)
和每条资助规则一个条款表 (编号以文件编号开头, 标题、条目、原文及规则: 最高额、定额、比例与基数、按等级、
适用单位、年度上限、每单位一次、平台累计、一事一议、资助方式)。条款可以取代旧条款 (supersedes),
文件可以终止旧条款 (ends)。各字段的名称、写法和完整示例见 docs/policy-format.md。

文件按与随软件提供的文件相同的规则校验, 并作为事件记录 (文件内容、sha256、文号、载入人和时间); 此后其条款按日期生效。
目录中已有的条款编号永不改写: 更正须用新编号。格式错误或冲突的文件被拒绝 (INVALID_INPUT, 指明行和问题),
什么也不写入。再次载入相同内容不改变任何东西。

\b
示例:
  grantledger --actor admin policy load qd2025-talent.toml
  grantledger policy show qd2025-talent-project
""",
        {},
    ),
    "apply": (
        """按条款提交申报 REF (申报编号)。

条款在申报日未生效、已被取代 (提示新条款)、或不适用于该单位类型时, 当即拒绝。

\b
示例:
  grantledger apply QD-2024-001 --unit 91370200MA3C1A2B3K --clause qd2024-01-common-tech --amount 300万
  grantledger apply QD-2024-002 --unit 91370200MA3C1A2B3K --clause qd2024-23-innovation-voucher \\
      --amount 10万 --base 20万 --date 2024-09-01
""",
        {
            "--unit": "申报单位的统一社会信用代码。",
            "--clause": "条款编号 (grantledger policy list)。",
            "--amount": "申报金额。",
            "--base": "计算基数 (按比例给予的条款)。",
            "--date": "申报日期; 条款须在此日有效。",
        },
    ),
    "evaluate": (
        """记录申报 REF 的评审结果。

\b
示例:
  grantledger evaluate QD-2024-001 --grade excellent --score 92
  grantledger evaluate QD-2024-003 --grade 良好
""",
        {
            "--grade": "等级: new excellent good pass fail repass (或 新认定 优秀 良好 合格 不合格 复评合格)。",
            "--score": "评分 (可选), 0–100。",
            "--date": DATE,
        },
    ),
    "award": (
        """批复申报 REF: 核对政策上限、单位年度上限和资金预算。

\b
示例:
  grantledger award QD-2024-001 --amount 300万 --fund KJ2024 --doc 青科字〔2024〕35号
  grantledger award QD-2024-009 --amount 800万 --fund TZ --doc 青科字〔2024〕40号 --mode mixed --equity-amount 500万
  grantledger award QD-2024-010 --amount 3000万 --fund TZ --doc 青科字〔2024〕41号 --mode equity \\
      --exception-doc 青政办〔2024〕7号
  grantledger award QD-2024-011 --amount 1000万 --fund KJ2024 --doc 青科字〔2024〕42号 --platform 海洋药物全国重点实验室
""",
        {
            "--amount": "批复金额。",
            "--fund": "占用的资金 (批复年度的预算)。",
            "--doc": "批复文号。",
            "--date": "业务日期, YYYY-MM-DD (默认今天; 不能晚于今天); 其年份即预算年度。",
            "--mode": "资助方式: grant 拨款 (默认)、equity 股权投资、mixed 拨投结合、convertible 先投后股。",
            "--equity-amount": "拨投结合时以股权投资拨付的部分。",
            "--exception-doc": "一事一议: 超出上限的例外批复文号 (只用于允许一事一议的条款)。",
            "--platform": "平台类条款须填: 本次奖补所支持的平台 (或技术市场奖励配套所对应的奖项) 名称或编号; "
            "同一单位同一平台累计不超过条款最高额。",
            **AWARD_OPTIONS,
        },
    ),
    "reject": (
        """驳回申报 REF。

\b
示例:
  grantledger reject QD-2024-004 --reason "不符合申报条件"
""",
        {"--reason": "驳回理由。", "--date": DATE},
    ),
    "disburse": (
        """向单位拨付批复 REF 的资金 (全部或部分)。

达到资金审批阈值的付款处于待审批, 直到经办人以外的人审批。已拨付加待审批永不超过批复金额。

\b
示例:
  grantledger disburse QD-2024-001 --amount 150万 --voucher PZ-2024-0001
""",
        {"--amount": "拨付金额。", "--voucher": "付款凭证号; 同一凭证号只用一次。", "--date": DATE},
    ),
    "approve": (
        """审批待审批的凭证 VOUCHER (审批人或管理员; 不能是录入或提出它的人): 达到审批阈值的拨付和股权投资、
股权退出和核销, 以及以文号提出的撤销批复、调减批复、更正申报、复评、调整资金来源和重新开账 (审批后生效)。

\b
示例:
  grantledger --actor zhao.min approve PZ-2024-0001
  grantledger --actor zhao.min approve 青科撤〔2024〕1号
""",
        {"--date": DATE},
    ),
    "void": (
        """作废待审批的凭证 VOUCHER; 资金回到批复的可拨付额度。以文号提出、尚待审批的更正
(撤销批复、调减、更正申报、复评)、调整资金来源、股权退出、核销和重新开账, 也用 void 撤回。

\b
示例:
  grantledger --actor zhao.min void PZ-2024-0002 --reason "收款账户有误"
  grantledger --actor zhao.min void 青科撤〔2024〕1号 --reason "文号有误"
""",
        {"--reason": "作废或撤回的理由。", "--date": DATE},
    ),
    "spend": (
        """登记单位使用批复 REF 的专项资金 (专款专用)。

\b
示例:
  grantledger spend QD-2024-001 --amount 40万 --category equipment --voucher ZC-2024-0107
""",
        {
            "--amount": "支出金额。",
            "--category": "支出类别: equipment 设备费 materials 材料费 testing 测试化验费 travel 差旅费 labor 劳务费 "
            "consulting 咨询费 publication 出版费 indirect 间接费用 platform 平台 exchange 交流 rd 研发 other 其他; "
            "负面清单 (debt fine donation investment welfare construction) 一律拒绝。",
            "--voucher": "支出凭证号。",
            "--date": DATE,
        },
    ),
    "recover": (
        """把批复 REF 未用或违规使用的资金追回到专项资金; 追回的资金可以再次批复。

\b
示例:
  grantledger recover QD-2024-001 --amount 5万 --voucher ZH-2025-0003 --reason "项目结余"
""",
        {"--amount": "追回到资金的金额。", "--voucher": "追回凭证号。", "--reason": "追回理由。", "--date": DATE},
    ),
    "reverse": (
        """对已入账的凭证 VOUCHER (拨付、支出或追回) 做红字冲正。

什么都不删除: 冲正是引用原凭证的新事件。

\b
示例:
  grantledger reverse ZC-2024-0107 --reason "重复录入"
""",
        {"--reason": "冲正理由。", "--date": DATE},
    ),
    "invest": (
        """以股权投资方式 (拨改投) 拨付股权投资或拨投结合的批复 REF; 计入已拨付。

\b
示例:
  grantledger invest QD-2024-009 --amount 500万 --stake 5 --valuation 1亿 --voucher TZ-2024-0001
""",
        {
            "--amount": "投资金额。",
            "--stake": "取得的股权比例, 百分数 (5、5.25)。",
            "--valuation": "本次投资的企业估值。",
            "--voucher": "投资凭证号。",
            "--date": DATE,
        },
    ),
    "convert": (
        """先投后股: 把先投后股批复 REF 已拨付的资金转为股权。

\b
示例:
  grantledger convert QD-2024-011 --stake 3 --valuation 2亿 --doc 青科投〔2025〕2号
""",
        {
            "--stake": "取得的股权比例, 百分数。",
            "--valuation": "转股时的估值。",
            "--doc": "转股决定文号。",
            "--date": DATE,
        },
    ),
    "exit": (
        """出售批复 REF 持有的 (部分) 股权; 损益 = 退出收入 − 所售部分的成本。退出收入或所售部分的成本达到资金
审批阈值的, 待另一名审批人 approve 凭证号 后生效 (void 凭证号 --reason 作废)。

\b
示例:
  grantledger exit QD-2024-009 --stake 2 --proceeds 300万 --voucher TC-2026-0001
""",
        {
            "--stake": "出售的股权比例, 百分数 (不能超过持有的)。",
            "--proceeds": "收到的金额; 回到资金。",
            "--voucher": "退出凭证号。",
            "--date": DATE,
        },
    ),
    "write-off": (
        """核销批复 REF 剩余的股权 (企业失败)。核销成本达到资金审批阈值的, 须用 --doc 给出核销文号,
待另一名审批人 approve 文号 后生效 (void 文号 --reason 作废)。

\b
示例:
  grantledger write-off QD-2024-012 --reason "企业破产清算"
  grantledger write-off QD-2024-013 --reason "企业破产清算" --doc 青科核〔2025〕1号
  grantledger --actor zhao.min approve 青科核〔2025〕1号
""",
        {"--reason": "核销理由。", "--doc": "核销文号; 达到审批阈值时必填, 由另一人审批。", "--date": DATE},
    ),
    "close": (
        """年终结账 (管理员): 记录资金 FUND 在年度 YEAR 结转的 (已批复、到 12-31 尚未拨付的) 和结余的
(预算 + 收回 − 已批复), 锁定该年度并封存日志。

结账后, 该资金业务日期在该年度内的资金命令一律 PERIOD_CLOSED; 在下一年拨付该年度的批复, 使用结转额度。

结账写下的封存, 给了 --witness DIR (或 GRANTLEDGER_WITNESS) 时也留存到该目录。

\b
示例:
  grantledger close 2024 --fund KJ2024 --doc 青财结〔2025〕1号 --witness /mnt/audit/seals
""",
        {"--fund": "结账的资金。", "--doc": "结账文号; 同一文号只结一次。", "--date": DATE, "--witness": WITNESS},
    ),
    "reopen": (
        """提请重新开账 (管理员): 资金 FUND 已结账的年度 YEAR。另一位管理员或审批人运行 approve 文号 后生效
(void 文号 --reason 撤回)。之后须再次结账以重新封存该年度。

\b
示例:
  grantledger reopen 2024 --fund KJ2024 --doc 青财开〔2025〕1号 --reason "补记漏登拨付"
  grantledger --actor zhao.min approve 青财开〔2025〕1号
""",
        {
            "--fund": "重新开账的资金。",
            "--doc": "重新开账文号; 须第二人审批。",
            "--reason": "已结账年度为何需要变动。",
            "--date": DATE,
        },
    ),
    "seal": (
        """封存日志现状: 日志位置、该处链头哈希和全部余额的哈希 (见 README 中结账与封存的说明), 由操作人签名并记录。
请保存文件; 以后用 verify --checkpoint 文件 证明日志和余额没有变动。

审计应把封存保存在系统之外: --witness DIR 把每次封存写成该目录中的一个文件
(文件名含位置和时间, 只含公开内容, 从不含私钥)。日志被截短或数据库被换成较早的备份时,
verify --witness DIR 会指出日志比留存的封存短。

封存同时保存 verify 在该位置的校验快照 (各项核对累计到该处的状态), 签名也覆盖快照的哈希;
以后 verify --since-seal (或 --from-checkpoint 文件) 从这里起只核对其后的事件。

\b
示例:
  grantledger --actor audit.office seal --out seal-2025-01-10.json
  grantledger --actor audit.office seal --witness /mnt/audit/seals
""",
        {"--out": "同时把封存写成 JSON 文件, 离线保存。", "--witness": WITNESS},
    ),
    "report": (
        """从读模型打印报表 NAME (快速: 不读整个日志)。

\b
NAME: awards 批复 funds 资金 units 单位 caps 上限 clauses 条款 equity 股权
      trial-balance 试算平衡 pending 待审批 carryover 结转结余 monthly 月度执行进度;
      overdue 逾期未验收; all: 全部 (xlsx)

pending: 等待第二人的事项 (待审批的拨付和投资、重新开账、更正、调整资金来源…), 含金额、经办人、日期、理由和
待审批原因; 金额: 撤销批复和调整资金来源为批复尚未拨付的承诺额, 调减为调减的金额, 更正申报和复评为申报金额。
monthly: 每个资金年度逐月的拨付、累计拨付和执行率 (累计拨付 ÷ 预算, 精确到 0.1%, 四舍五入)。
overdue: 执行期 (award --end-date, 含 extend 延期) 已过、截至报表日期仍未验收结题的项目, 含逾期天数。

\b
funds 和 awards 加 --from D --to D: 期间报表, 每个数字给出期初 (opening_*, 截至 D 的前一天)、
本期发生额和期末 (closing_*, 按 --as-of 期末日打印); 可只给一端: 从第一笔起, 或到今天。

\b
示例:
  grantledger report awards --year 2024
  grantledger report awards --fund KJ2024 --clause qd2024-01-common-tech
  grantledger report funds --as-of 2024-12-31 --yuan-unit 万元
  grantledger report pending
  grantledger report awards --columns application,unit_name,clause_title,awarded
  grantledger report trial-balance --side budget
  grantledger report carryover --year 2024
  grantledger report monthly --year 2025
  grantledger report funds --from 2025-01-01 --to 2025-03-31
  grantledger report funds --known-at 1234 --as-of 2024-12-31
  grantledger report awards --format xlsx --out awards-2024.xlsx
  grantledger report all --year 2024 --format xlsx --out 2024.xlsx
""",
        {
            "--year": "只看此预算年度。",
            "--as-of": "截至某业务日期 (YYYY-MM-DD): 日期在其后的事实不计, 后来记录但日期在前的计入。",
            "--known-at": "按当时账本能打印的样子: 只计入记录到该日志位置 (或时间, 如 2025-01-10T18:00, 默认北京时间) "
            "为止的事件, 不论业务日期。",
            "--fund": "只看此资金 (报表有资金列时)。",
            "--unit": "只看此单位 (统一社会信用代码)。",
            "--clause": "只看此条款。",
            "--columns": "显示的列 (表格、CSV 和 xlsx), 用 JSON 名称或中文列名, 逗号分隔; "
            "默认: 适合终端或 A4 打印的列。",
            "--yuan-unit": "表格和 xlsx 中金额的单位: 元或万元 (两位小数); JSON 和 CSV 总是元。",
            "--format": "覆盖全局 --format; xlsx 需要 --out。",
            "--out": "写入文件而不是标准输出。",
            "--side": "仅用于 trial-balance: 账本自己的日记账 (默认), 或按政府会计制度的账簿: financial 财务会计、"
            "budget 预算会计、both 两者。",
            "--chart": "账簿的科目对照表 (TOML); 默认政府会计制度。",
            "--from": "仅 funds、awards: 期间报表的第一天 (期初余额按前一天计算)。",
            "--to": "仅 funds、awards: 期间的最后一天 (期末余额按该日的 --as-of 计算)。",
        },
    ),
    "statement": (
        """申报 REF 的项目资金对账单, 给项目承担单位核对: 批复 (单位、条款及其原文、资金、文号、金额)、
各项金额 (批复、已拨付、待审批、已支出、已追回、结余, 小写与大写; 结题结算后另列结算核减和结算后核定金额)、
每笔拨付的凭证号、日期、金额和状态、按类别的支出、追回、红字冲正, 以及项目的其他事项 (里程碑、分期、变更)。
能看历史的人都可以打印。

\b
示例:
  grantledger statement QD-2025-001 --format pdf --out 对账单-QD-2025-001.pdf
  grantledger statement QD-2025-001 --format xlsx --as-of 2025-12-31
  grantledger --format json statement QD-2025-001
""",
        {
            "--format": "xlsx 或 pdf 写成文件 (--out, 默认 对账单-REF.xlsx|pdf); table 和 json 打印出来。",
            "--out": "要写入的文件 (xlsx 或 pdf)。",
            "--as-of": "截至某业务日期 (YYYY-MM-DD); 默认今天。",
            "--known-at": "按当时账本能打印的样子 (用法同 report 的同名选项)。",
        },
    ),
    "history": (
        """申报 REF、单位代码、资金、凭证或更正/调整资金来源文号的全部事件, 按时间先后 (文号: 提出、审批或撤回、
退回的承诺)。

每行有资金金额、凭证号和摘要 (类别、理由、等级、文号…); 时间为北京时间。输错的编号会提示"是否要找"。

\b
示例:
  grantledger history QD-2024-001
  grantledger history 91370200MA3C1A2B3K
  grantledger history PZ-2024-0001
""",
        {},
    ),
    "replay": (
        """从第 0 个事件重建全部读模型 (管理员)。每页连同位置一起提交, 中断的重建从停下处继续。

\b
示例:
  grantledger replay
""",
        {},
    ),
    "verify": (
        """重新计算哈希链、检查快照、在临时数据库中重建全部读模型并与正式的逐行比对、检查试算平衡。
发现问题时以 TAMPERED 退出 (退出码 1), 指明第一个有问题的事件或行。

请记下显示的链头哈希: 以后它若仍在链中, 它之前的一切都没有改动。

封存 (日志中的、--checkpoint 文件和 --witness 目录中的每一份) 须: 不超出日志的末尾, 日志在其位置仍经过其链头、
余额仍得到其哈希, 并由日志在该位置绑定给署名人的钥匙签名, 署名人当时有权封存 (审计或管理员)。

增量核对 (--since-seal 或 --from-checkpoint 文件): 从一份封存起核对, 只重算其后的事件。封存须带校验快照
(本版本的 seal 和 close 写下; 之前写的封存没有, 不能用于增量核对, 请用完整的 verify)。它核对封存的签名、
快照的哈希、封存之后的哈希链和每个签名, 从快照接着做不变量和规则复核, 并比对封存之后的日记账、历史和余额。
封存之前的事件由封存担保, 不再核对: 只有完整的 verify 才能发现封存之前的改动。

\b
示例:
  grantledger --actor audit.office verify
  grantledger --actor audit.office verify --checkpoint seal-2025-01-10.json
  grantledger --actor audit.office verify --witness /mnt/audit/seals
  grantledger --actor audit.office verify --since-seal
  grantledger --actor audit.office verify --from-checkpoint seal-2025-01-10.json
""",
        {
            "--checkpoint": "封存文件 (seal --out): 同时证明日志到达并经过其链头、其位置的余额仍得到同一哈希、"
            "其签名出自当时绑定给署名人的钥匙。",
            "--witness": "本单位的封存留存目录 (seal --witness DIR; 或设置 GRANTLEDGER_WITNESS): 用其中每一份封存"
            "核对日志; 日志比其中任何一份短, 即被截短或换成了较早的备份。",
            "--since-seal": "增量核对: 从日志中最近一份带校验快照的封存起, 只重算其后的事件 (信任封存之前的部分)。",
            "--from-checkpoint": "增量核对, 从审计自己保存的封存文件 (seal --out) 起, 同 --since-seal。",
        },
    ),
    "export": ("为审计和财务软件导出数据。", {}),
    "export events": (
        """整个事件日志, JSON Lines: 序号、类型、业务日期、记录时间、操作人、数据和哈希。

\b
示例:
  grantledger export events --out ledger-2026.jsonl
""",
        {"--out": "写入文件 (默认标准输出)。"},
    ),
    "export beancount": (
        """账簿 (财务会计和预算会计) 导出为 bean-check 接受的 Beancount 账本: 每个资金事件每一侧一笔交易,
事件位置、凭证、条款和操作人作为元数据。

\b
示例:
  grantledger export beancount --out books.beancount && bean-check books.beancount
""",
        {"--out": "写入文件 (默认标准输出)。", "--chart": "账簿的科目对照表 (TOML); 默认政府会计制度 (gov2019)。"},
    ),
    "export hledger": (
        """账簿导出为 hledger check --strict 接受的 hledger 日记账 (科目和 CNY 已声明)。

\b
示例:
  grantledger export hledger --out books.journal && hledger -f books.journal balance
""",
        {"--out": "写入文件 (默认标准输出)。", "--chart": "账簿的科目对照表 (TOML); 默认政府会计制度 (gov2019)。"},
    ),
    "export vouchers": (
        """导出记账凭证给财务软件, 每个资金事件一张 (凭证字 记, 按会计期间即月份、按日期顺序编号):
用友 U8 总账工具「凭证引入」文本文件 (GB18030), 或金蝶 KIS 凭证引入工作簿。

制单人是经办人 (审批过的拨付也是经办人), 审核人留空由财务软件审核; 科目对照表标明的科目 (5001、7101 等)
的分录带项目辅助核算 (申报编号) 和往来单位 (单位的统一社会信用代码)。

\b
示例:
  grantledger export vouchers --to u8 --year 2024 --out pz-2024.txt
  grantledger export vouchers --to kingdee --year 2024 --out pz-2024.xlsx
""",
        {
            "--to": "用友 U8 (u8) 或金蝶 KIS (kingdee)。",
            "--year": "只导出业务日期在此年度的凭证。",
            "--out": "u8: 凭证引入文本文件; kingdee: .xlsx 工作簿。",
            "--chart": "账簿的科目对照表 (TOML); 默认政府会计制度 (gov2019)。",
        },
    ),
    "batch": (
        """执行 FILE ('-' 为标准输入): 每行一条 JSON 命令, 或 Excel 文件 FILE.xlsx, 每行一条命令。

与之前完全相同的命令被跳过, 所以中断的批量可以直接重新运行。被拒绝的行报告行号和错误代码;
有任何一行被拒绝时退出码为 1。

xlsx 批量读取除"说明"外的每个工作表: 第 1 行是列名 (批量键或中文列名: 命令 申报编号 金额 凭证号 …),
以后每行一条命令; 以命令命名的工作表 (如"拨付") 不需要命令列。出错时指明工作表和行。
batch template --out 文件.xlsx 写出每个命令一个工作表的空模板。

\b
一行示例:
  {"cmd": "disburse", "ref": "QD-2024-001", "amount": "50万", "voucher": "PZ-0001"}
示例:
  grantledger batch payments-2024-11.jsonl
  grantledger batch --stop-on-error -
  grantledger batch template --out 拨付.xlsx
  grantledger batch 拨付.xlsx
""",
        {
            "--stop-on-error": "遇到第一条被拒绝的行就停止。",
            "--group-size": "每个事务保存的行数 (每行仍然全有或全无)。",
            "--out": "与 batch template 一起: 要写入的 xlsx。",
        },
    ),
    "voucher": (
        """凭证打印: 每张凭证按业务类型打印成单。

拨付审批单、股权投资拨付审批单、支出凭单、追回凭单、股权退出凭单; 作废的打印作废单, 冲正的打印红字冲正单。
""",
        {},
    ),
    "voucher print": (
        """把凭证 NUMBER 打印成 A4 PDF: 批复与单位、政策条款及其原文、金额 (小写与大写)、股权比例与估值、
经办人与审批人 (或作废人、冲正人及理由)、日期和凭证历史。

PDF 内嵌中文 TrueType 字体 (文泉驿微米黑, Debian 软件包 fonts-wqy-microhei; 环境变量 GRANTLEDGER_PDF_FONT
可指定其他 .ttf/.ttc 文件), 任何电脑和阅读器都能正确显示和打印。

\b
示例:
  grantledger voucher print PZ-2024-0001 --out PZ-2024-0001.pdf
  grantledger --actor auditor voucher print TZ-2024-0003 --out TZ-2024-0003.pdf
""",
        {"--out": "要写入的 PDF 文件。"},
    ),
    "serve": (
        """启动中文只读网页视图: 资金执行、项目批复、待审批、单位、股权投资、日志完整性。

默认只监听 127.0.0.1; 其他地址需要访问令牌, 每个请求都须出示 (浏览器登录框的密码,
或 "Authorization: Bearer 令牌")。数据库以只读方式打开。

\b
示例:
  grantledger serve
  grantledger --db sqlite:///ledger.db serve --port 8080
  GRANTLEDGER_WEB_TOKEN=$(cat token) grantledger serve --host 0.0.0.0
  grantledger serve --host 10.0.0.5 --token-file /etc/grantledger/web-token
""",
        {
            "--host": "监听地址。",
            "--port": "监听端口。",
            "--token-file": "保存访问令牌 (至少 16 个字符) 的文件; 或设置 GRANTLEDGER_WEB_TOKEN。非本机地址必需。",
        },
    ),
    "province": ("全省: 每个城市一个账本 (各自的数据库、日志、哈希链和封存), 在这里一起读。", {}),
    "province report": (
        """把各城市的报表 NAME (funds 资金 或 awards 批复) 汇总: 各城市的明细、每市小计、全省合计 (按分求和)。

\b
示例:
  grantledger --actor audit.province province report funds --ledger 青岛=URL --ledger 威海=URL
""",
        {"--ledger": "一个城市的账本, 写成 城市=数据库URL (每个城市给一次)。", "--year": "只看这一预算年度 (funds)。"},
    ),
    "province verify": (
        """逐个核验各城市的账本 (各自的哈希链、封存和读模型); 任何一个未通过则退出码 1。

\b
示例:
  grantledger --actor audit.province province verify --ledger 青岛=URL --ledger 威海=URL
""",
        {"--ledger": "一个城市的账本, 写成 城市=数据库URL (每个城市给一次)。"},
    ),
    "demo": (
        """运行演示: 一项资金从下达预算到审计的一年, 包括故意被拒绝的操作。

\b
示例:
  grantledger demo
  grantledger demo --db-file /tmp/demo.db
""",
        {"--db-file": "要创建的 SQLite 文件 (已存在则替换)。"},
    ),
}

# A project's life after the award (issue 24): milestone, close-project, extend, adjust-budget.
SUMMARIES.update(PROJECT_SUMMARIES)
HELP.update(PROJECT_HELP)

# Corrections (cancel-award, reduce-award, correct, reevaluate) keep their words in a module of their own.
from .help_corrections import HELP as _CORRECTIONS_HELP  # noqa: E402
from .help_corrections import SUMMARIES as _CORRECTIONS_SUMMARIES  # noqa: E402

HELP.update(_CORRECTIONS_HELP)
SUMMARIES.update(_CORRECTIONS_SUMMARIES)

# The re-charge to another fund (项目变更: 调整资金来源) keeps its words in a module of its own.
from .help_settlement import HELP as _SETTLEMENT_HELP  # noqa: E402
from .help_settlement import SUMMARIES as _SETTLEMENT_SUMMARIES  # noqa: E402

HELP.update(_SETTLEMENT_HELP)
SUMMARIES.update(_SETTLEMENT_SUMMARIES)


def _options(command: Any, words: dict[str, str]) -> None:
    import click

    for param in command.params:
        if isinstance(param, click.Option):
            name = next((o for o in param.opts if o.startswith("--")), param.opts[0])
            if name in words:
                param.help = words[name]


def apply(path: str, command: Any) -> Any:
    """Lay the catalogue's words over ``command`` (and, for a group, its subcommands), once."""
    import click

    if getattr(command, "_help_zh", False):
        return command
    command.options_metavar = "[选项]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "命令 [参数]..."
    if path in HELP:
        command.help, options = HELP[path]
        command.short_help = SUMMARIES.get(path) or command.help.splitlines()[0]
        _options(command, options)
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            apply(f"{path} {name}", sub)
    command._help_zh = True
    return command


def apply_root(group: Any) -> None:
    group.options_metavar = "[选项]"
    group.subcommand_metavar = "命令 [参数]..."
    group.help, options = ROOT
    _options(group, options)
