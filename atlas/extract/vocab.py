"""One home for the word lists of the extractors.

Words are grouped by what they do, so that each extractor uses the same verbs and function words
and adds only the few words its own syntax needs:

- :data:`STOP_WORDS`: verbs, adverbs and function words that never end a proper name; a name
  starts after the last one before its suffix (every extractor);
- :data:`NAME_STOP_EXTRA`: direction, scope and count words that open a place or feature name
  (parks, eco zones) — not used for corridors, where 到/至 join endpoints and 环 opens 环城;
- :data:`ROUTE_STOP_EXTRA`: words of route descriptions (全长, 项目, 我市) for corridors;
- :data:`VERB_SHAPES`: verb forms no list can enumerate (扛起, 复牌);
- :data:`LONG_NAME_BREAKS`: the few verbs that cut a long descriptive zone name (a zone's name may
  hold 保护 or 修复 itself: 水源涵养生态保护廊道).
"""

from __future__ import annotations

import re


def _words(block: str) -> tuple[str, ...]:
    return tuple(block.split())


#: Verbs, adverbs and function words shared by every extractor.
STOP_WORDS: tuple[str, ...] = _words("""
    消灭 剿灭 根治 清除 取缔 解决 开挖 疏浚 清理 整修
    以上 以下 以来 不断 与 暨 严守 严格 丰富 串联 为 主动 主要 举办 之 了 争取 于 享有 从 以 以及
    共建 优化 传承 位于 作为 使 依山 依托 依据 依靠 促进 保护 保护好 保持 保障 修复 修建 借助 做优
    做大 做好 做强 做精 健全 傍水 入选 全力 全县 全市 全面 其 其中 具有 凭借 凸显 划定 列入
    创建 创新 利用 前期 力争 办好 加大 加密 加强 加快 加速 助推 努力 包含 包括 升级 协调 即
    县域 参与 及 发展 发挥 叫响 各 同时 同步 向 启动 呵护 和 围绕 在 在建 地处 坐落
    坚守 坚持 培育 塑造 境内 增加 增强 大力 如 守住 守护 完善 完成 实施 实现 宣传 对 对接
    将 巩固 市域 布局 带动 带领 并 并且 延伸 建成 建立 建设 开发 开始 开展 开工 开放 开辟
    开通 引导 引进 弘扬 强力 强化 形成 彰显 总投资 恢复 成为 成功 或 打响 打赢 打通 打造 扩大
    扩建 承办 承接 把 抓住 抓好 投资 投资建设 抢抓 拓宽 拓展 拟建 拥有 持续 挂牌 指 按照 挖掘
    捍卫 探索 接入 推介 推动 推行 推进 提供 提升 提档升级 提高 擦亮 支持 改善 改建 改扩建 改造 整合
    整治 改进 推广 荣获 加固 新增 新建 新开 是 晋升 有 有序 服务 构建 构筑 根据 毗邻 治理 沿线 涵盖 深入 深化
    环绕 生态修复 用好 由 申报 畅通 的 着 着力 研究 确保 科学 积极 稳步 穿越 突出 立足 等
    筑牢 筹建 管护 紧抓 紧邻 纳入 经过 结合 统筹 继续 续建 维护 综合 编制 联通 聚焦 获评 营造
    落实 融入 衔接 补齐 覆盖 规划 规划建设 计划 让 设立 评为 该 谋划 谋求 贯通 赋能 跻身 辐射
    还有 进一步 进驻 连续 常年 长期 已经 连接 连通 适时 途径 途经 通往 通车 通过 配合 配套 重点 验收 高品质 高标准 高水平
    高质量 高起点 鼓励
""")

#: Direction, scope and count words before a feature name (东部, 境内, 一批 …).
NAME_STOP_EXTRA: tuple[str, ...] = _words("""
    一个 一处 一带 一座 一批 一系列 东线 西线 南线 北线 东北部 东南部 东部 中部 全区 全省 到 北部 区域 南部 周边 山系
    山脉 沿 流域 环 百里 至 西北部 西南部 西部 进 镇域
""")

#: Words of route descriptions before a corridor name (全长, 项目, 我市 …).
ROUTE_STOP_EXTRA: tuple[str, ...] = _words("""
    且 全长 共 关于 及其 含 对于 工程 常态化 开行 往 总长 我县 我市 本市 沿着 约 至于
    长度 项目
""")

#: A verb with the resultative 起 (昂起, 扛起, 掀起) — not the nouns 起义, 起点, 起源 (百色起义) — or acting on a plaque or rating (挂牌, 复牌, 授牌).
VERB_SHAPES = (
    r"[\u4e00-\u9fff]起(?![义点源始])(?=[\u4e00-\u9fff])|[\u4e00-\u9fff]牌(?![坊楼])(?=[\u4e00-\u9fff])"
)

#: An amount of money or land (120亿元, 3.5万亩) is never part of a name: a name starts after it.
AMOUNT_SHAPE = r"\d+(?:\.\d+)?[万亿]?(?:元|亩|公顷|平方米|平方公里|公里)"

#: Verbs and function words that cut a long descriptive zone name.
LONG_NAME_BREAKS: tuple[str, ...] = _words("""
    分别为 分别是 主要是 包括 即 指 是 为 建设 打造 构建 形成 划定 推进 实施 加快 加强 完成 依托 统筹
    推动 启动 开展 高标准 高起点 筑牢 坚持 守护 维护 呵护 捍卫 巩固 以 在 对 把 将 和以 由 的
    建成 开工 续建 新建 提升 改造 等
""")


def alternation(words: tuple[str, ...] | list[str], *extra: str) -> re.Pattern[str]:
    """One regex matching any of ``words`` (longest first) or any ``extra`` pattern."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return re.compile("|".join([*map(re.escape, ordered), *extra]))
