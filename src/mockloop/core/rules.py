"""The analyzer's rules as data: phrase patterns, segmentation cues, advice.

Everything a coach may want to tune lives here, in plain tables. ``ANALYZER_VERSION`` hashes
these tables (plus a revision number for logic changes in code), so any rule change gives a new
version and stored sessions know they can be rescored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from functools import cache

#: Bump when the analyzer's *code* changes behaviour; table edits change the hash by themselves.
LOGIC_REVISION = 1

# --------------------------------------------------------------------------- numbers

WORD_NUMBERS: Mapping[str, float] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "thousand": 1000, "million": 1e6, "billion": 1e9,
    "half": 0.5, "dozen": 12,
}  # fmt: skip

#: Unit words recognised right after a number (first match wins, longest first).
UNITS: Mapping[str, tuple[str, ...]] = {
    "%": ("%", "percent", "per cent", "percentage points", "points"),
    "$": ("dollars", "usd", "bucks"),
    "ms": ("ms", "milliseconds", "millisecond"),
    "s": ("seconds", "second", "secs", "sec"),
    "min": ("minutes", "minute", "mins"),
    "h": ("hours", "hour", "hrs", "engineer-hours", "person-hours"),
    "d": ("days", "day", "person-days"),
    "wk": ("weeks", "week"),
    "mo": ("months", "month"),
    "yr": ("years", "year"),
    "x": ("x", "times", "fold"),
    "users": ("users", "customers", "clients", "merchants", "sellers", "people", "developers"),
    "requests": ("requests", "rps", "qps", "calls", "transactions", "orders", "events"),
    "tickets": ("tickets", "incidents", "pages", "alerts", "bugs", "errors", "complaints"),
    "teams": ("teams", "services", "engineers", "regions", "repos", "repositories"),
    "bytes": ("gb", "mb", "tb", "kb", "gigabytes", "megabytes", "terabytes"),
}

# --------------------------------------------------------------------------- ownership

PATTERNS: Mapping[str, tuple[str, ...]] = {
    # Who started it: a manager/lead assigning the work destroys the initiative signal.
    "manager_assigned": (
        r"\b(?:my|our|the) (?:manager|boss|lead|tech lead|team lead|engineering manager|director"
        r"|supervisor|skip[- ]level|vp|product manager|pm)\b[^.!?]{0,40}?\b(?:asked|told|assigned"
        r"|wanted|suggested|gave|handed|put|directed|instructed|tasked)\b",
        r"(?<!nobody )(?<!no one )(?<!never )\bi was (?:asked|told|assigned|tasked|given the task"
        r"|instructed|directed|voluntold)\b",
        r"\b(?:got|was) assigned (?:to me|the (?:task|ticket|project))\b",
        r"\b(?:it|this|the (?:task|ticket|project)) was assigned to me\b",
    ),
    # Group voice that hides what the candidate did.
    "we_language": (
        r"\bwe (?:all )?(?:collectively|together|jointly)\b",
        r"\bwe (?:figured|worked) (?:it|this|that|things)? ?out together\b",
        r"\bwe (?:figured|sorted|worked) (?:it|this|that) out\b",
        r"\b(?:together|as a team),? we\b",
        r"\bwe (?:all )?(?:decided|agreed|brainstormed)\b",
        r"\bthe (?:team|group) (?:decided|figured|came up)\b",
    ),
    # Routing instead of owning: I told someone, and they did the work.
    "handoff_route": (
        r"\bi (?:just |simply |then )?(?:sent|messaged|pinged|emailed|escalated|reported|raised"
        r"|flagged|forwarded|notified|informed|told|filed|opened|created|logged|passed|handed"
        r"|reached out|let)\b",
    ),
    "handoff_others_fixed": (
        r"\b(?:they|he|she|someone|somebody|the (?:\w+ )?team|their (?:\w+ )?(?:team|lead|engineers?"
        r"|manager|owner)s?|the owners?)\b[^.!?]{0,50}?\b(?:handled|fixed|resolved|took care|took"
        r"(?: it)? over|took it from there|sorted|dealt with|addressed|patched|picked it up"
        r"|implemented|solved)\b",
    ),
    "handoff_explicit": (
        r"\bhanded (?:it|this|that|the \w+) (?:off|over)\b",
        r"\b(?:it|this|that) was (?:their|his|her|the other team's) (?:responsibility|job|problem"
        r"|call)\b",
        r"\bleft it (?:to|with) (?:them|him|her|the \w+ team)\b",
        r"\bi did not take (?:any )?further action\b",
        r"\bi didn't take (?:any )?further action\b",
        r"\bnot my (?:problem|job) to fix\b",
    ),
    # Own work verbs that cancel a hand-off reading of the same sentence ("I flagged it ... but
    # brought a ready-to-merge fix").
    "own_work": (
        r"\bi (?:also )?(?:brought|wrote|built|fixed|implemented|submitted|shipped|deployed|added"
        r"|coded|prototyped|paired|drafted|prepared|made|debugged|reproduced|traced|patched"
        r"|tested|ran|measured|designed|created)\b",
    ),
    "self_initiated": (
        r"\bi (?:noticed|spotted|discovered|realized|realised|decided|volunteered|proposed|offered"
        r"|stepped in|took it upon myself|took the initiative|took ownership|raised my hand)\b",
        r"\bi saw (?:that|an? (?:chance|opportunity|gap|problem|pattern))\b",
        r"\bon my own (?:initiative|time)?\b",
        r"\bwithout being asked\b",
        r"\b(?:nobody|no one) (?:had )?asked me\b",
        r"\bi started (?:looking|digging|investigating|prototyping)\b",
    ),
    "scope_boundary": (
        r"\bnot my (?:team|job|code|codebase|service|system|area|responsibility|project|problem"
        r"|team's)\b",
        r"\b(?:wasn't|was not|isn't|is not) (?:my|our) (?:team|team's|job|code|service|system|area"
        r"|responsibility|project)\b",
        r"\bno (?:ticket|jira|task|issue|work item)s? (?:existed|was (?:filed|open|created)|for it)\b",
        r"\bno ticket\b",
        r"\b(?:nobody|no one) (?:had )?(?:asked|assigned|owned)\b",
        r"\bwithout being asked\b",
        r"\b(?:wasn't|was not|weren't|were not) (?:assigned|owned|on (?:my|our|anyone's) "
        r"(?:plate|roadmap))\b",
        r"\boutside (?:of )?(?:my|our) (?:team|scope|area|remit|role|responsibilit\w*|lane)\b",
        r"\banother team's\b",
        r"\b(?:belonged|belongs) to (?:the|another|a different) [\w -]{1,30}?team\b",
        r"\bnot (?:part of|in) (?:my|our) (?:job|role|scope|charter|sprint|roadmap)\b",
        r"\bnobody owned\b",
    ),
    # ------------------------------------------------------------------ metrics
    "metric_delta": (
        # "from 0.3% to zero", "from the two weeks we budgeted to an average of four days"
        r"\bfrom\b[^.!?]{0,30}?(?:{num})[^.!?]{0,40}?\bto\b[^.!?]{0,25}?(?:{num}|zero|none"
        r"|nothing|near[- ]zero)\b",
        r"\b(?:cut|reduced|dropped|decreased|increased|improved|grew|raised|lowered|sped up|shrank"
        r"|boosted|slashed|lifted|fell|rose|shortened|trimmed|brought down)\b[^.!?]{0,40}?\bby "
        r"(?:about |around |roughly |over |nearly |almost )?{num}",
        r"{num} ?(?:%|percent|x|times)? ?(?:reduction|increase|improvement|faster|slower|fewer"
        r"|less|more|drop|decrease|gain|higher|lower|cheaper|smaller|quicker|speed-?up)\b",
        r"\b(?:doubled|tripled|quadrupled|halved|tenfold|10x|cut in half)\b",
        r"\b(?:down|up) to {num}\b[^.!?]{0,20}\bfrom {num}",
    ),
    "business_impact": (
        r"(?:\$|€|£) ?\d",
        r"\b\d[\d,.]* ?(?:k|m|million|thousand)? ?(?:dollars|usd)\b",
        r"\b(?:revenue|cost|costs|spend|savings|saved|budget|profit|margin|churn|conversion"
        r"|retention|nps|csat|sla breach(?:es)?)\b",
        r"\b(?:engineer|developer|person|on-call|support)[- ]?(?:hours|days|weeks)\b",
        r"\b(?:hours|days) (?:of (?:work|toil|effort)|per (?:week|month|sprint|release))\b",
        r"\b\d[\d,.]* ?(?:k|m)? (?:customers|users|clients|merchants|sellers|orders|tickets"
        r"|complaints|support (?:tickets|calls))\b",
        r"\b(?:customer|support) (?:tickets|complaints|escalations|contacts)\b",
    ),
    "second_order": (
        r"\b(?:was |were |got |been )?adopted\b",
        r"\b(?:rolled|scaled) (?:it |this |that )?(?:out )?(?:to|across)\b",
        r"\b(?:reused|re-used|replicated|copied) (?:by|in|across)\b",
        r"\bbecame (?:the|a|our|their) (?:standard|default|template|norm|best practice|blueprint"
        r"|reference)\b",
        r"\b(?:a|the|our) (?:standard|template|default) for\b",
        r"\bother teams\b",
        r"\b\d+ (?:other )?teams\b",
        r"\bacross (?:the )?(?:org|organization|organisation|company|teams|business)\b",
        r"\b(?:company|org|organization)[- ]wide\b",
        r"\bnow used by\b",
        r"\bpicked up by\b",
        r"\bspread to\b",
    ),
    "activity_only_result": (
        r"\b(?:things|it|everything|the (?:process|system|situation)) (?:got|was|were|went|became)"
        r" (?:a lot |much |way )?(?:better|smoother|easier|faster|fine)\b",
        r"\b(?:the )?(?:team|customers?|client|manager|users?|everyone|stakeholders) (?:was|were)"
        r" (?:really |very |so )?(?:happy|pleased|satisfied|thrilled|grateful)\b",
    ),
    # ------------------------------------------------------------------ reflection
    "reflection_cue": (
        r"\bi (?:have )?(?:learned|learnt|realized|realised|took away)\b",
        r"\b(?:taught|showed) me\b",
        r"\b(?:looking back|in hindsight|in retrospect|on reflection|next time|going forward"
        r"|since then|from then on|the lesson|my takeaway|the takeaway|what i took)\b",
        r"\bif i (?:did|had to do|could do|were to do|faced) (?:it|this|that)\b",
        r"\bi would(?:'ve| have)? (?:do|have|push|propose|start|involve|add|set|build|write"
        r"|ask|measure|spend|plan|insist|raise|bring)\b",
        r"\bi'd (?:do|have|push|propose|start|involve|add|set|build|write|ask|measure)\b",
        r"\bthe real (?:root cause|problem|issue|gap|lesson)\b",
        r"\bnow i (?:always|never|make sure|start)\b",
        r"\bwhat i(?:'d| would) do differently\b",
    ),
    "platitude": (
        r"\bcommunication is (?:really |very |so |super )?(?:important|key|everything|crucial)\b",
        r"\b(?:the )?importance of (?:good |clear |better )?(?:communication|teamwork|collaboration"
        r"|planning|testing)\b",
        r"\b(?:teamwork|team work|collaboration) (?:is|makes)\b",
        r"\bi learned (?:a lot|so much|many things|a great deal)\b",
        r"\b(?:always )?(?:communicate|plan|test|collaborate) (?:more|better|earlier)\b",
        r"\bwork (?:harder|smarter)\b",
        r"\bnever give up\b",
        r"\bhard work pays off\b",
        r"\b(?:be|being) more careful\b",
        r"\bask(?:ing)? for help\b",
        r"\bdouble[- ]check(?:ing)?\b",
        r"\bstay(?:ing)? positive\b",
        r"\b(?:involve|include|loop in|talk to) (?:more )?(?:people|stakeholders|others|everyone)\b",
    ),
    "insight_depth": (
        r"\b(?:root cause|systemic|organi[sz]ational|incentive|ownership gap|visibility|mechanism"
        r"|slo|sla|contract|interface|feedback loop|process gap|blind spot|assumption"
        r"|second-order|trade-?off)\b",
        r"\bbecause\b",
        r"\binstead of\b",
        r"\brather than\b",
    ),
    # ------------------------------------------------------------------ probe intents
    "tradeoff": (
        r"\btrade-?offs?\b",
        r"\bat the (?:cost|expense|price) of\b",
        r"\bin exchange for\b",
        r"\bbalanc\w* [^.!?]{1,60}?\b(?:against|with|and|while)\b",
        r"\binstead of\b",
        r"\brather than\b",
        r"\b(?:chose|picked|preferred|went with|opted for) [^.!?]{1,60}?\bover\b",
        r"\b(?:chose|picked|went with|opted for)\b[^.!?]{1,80}?\bbecause\b",
        r"\bthe (?:downside|cost|risk|price) (?:was|is|of)\b",
        r"\bon the other hand\b",
        r"\b(?:versus|vs\.?)\b",
        r"\bwhile (?:ensuring|keeping|still|accepting)\b",
        r"\b(?:accepted|accepting) (?:a|the|some|slightly)\b",
    ),
    "mechanism": (
        r"\b(?:alert|alarm|dashboard|runbook|playbook|automat\w+|standard|template|linter?|lint rule"
        r"|guardrail|canary|monitor\w*|slo|sla|checklist|library|tool(?:ing)?|pipeline check"
        r"|pre-?commit|ci check|test suite|regression test|design review|mechanism|process"
        r"|wiki|documentation|office hours)\b",
    ),
    "own_solution": (
        r"\b(?:brought|built|wrote|prototyped|prepared|drafted|submitted|shipped|paired on)\b",
        r"\b(?:ready-to-merge|pull request|working fix|patch|proof of concept|prototype|design doc"
        r"|benchmark|data)\b",
    ),
    "persuasion": (
        r"\b(?:explained|showed|walked (?:them|him|her) through|demoed|presented|made the case"
        r"|buy-in|bought in|convinced|persuaded|agreed to|signed off|won over)\b",
    ),
    "scale_reach": (
        r"\b(?:multiple|several|many|all|every) (?:teams|services|regions|products)\b",
        r"\bscaled\b",
        r"\bbeyond (?:the|our|my) (?:initial|original|own)\b",
        r"\b(?:reusable|shared library|standard|template|default)\b",
    ),
    "proactive": (
        r"\bproactive(?:ly)?\b",
        r"\b(?:detect|catch|isolate|prevent)s?\b",
        r"\bautomatic(?:ally)?\b",
        r"\bbefore (?:it|they|customers|users)\b",
        r"\b\d",
    ),
    "causal": (
        r"\bbecause\b",
        r"\bso that\b",
        r"\bwhich (?:meant|caused|led)\b",
        r"\bcaused by\b",
        r"\broot cause\b",
        r"\bturned out\b",
        r"\bdue to\b",
        r"\bthat's why\b",
    ),
    "evidence": (
        r"\b(?:data|metrics?|numbers|benchmark\w*|measur\w+|logs?|experiment|a/b|prototype|proof"
        r"|poc|graph|dashboard|survey|load test|profil\w+|evidence|analysis|simulat\w+|memo"
        r"|design doc|write-?up|trace[sd]?|replay\w*|estimate[sd]?|model(?:ed|led))\b",
    ),
    "listened": (
        r"\b(?:listened|asked (?:them|him|her|why)|understood|understand (?:their|his|her)"
        r"|their concerns?|his concerns?|her concerns?|one-on-one|1:1|sat down with|heard)\b",
    ),
    "commit": (
        r"\b(?:disagree and commit|committed to|fully committed|backed the decision|supported the"
        r" decision|made it work|went with (?:their|his|her|the) (?:decision|call|design))\b",
    ),
    # ------------------------------------------------------------------ delivery
    "filler": (
        r"\b(?:um+|uh+|erm+|er|ah+|hmm+|mm+)\b",
        r"(?:^|, )like,",
        r"\byou know\b",
        r"\bi mean\b",
        r"\bbasically\b",
        r"\bliterally\b",
        r"\bso yeah\b",
    ),
    "hedge": (
        r"\bi (?:think|guess|believe|suppose|feel like)\b",
        r"\b(?:kind of|sort of|kinda|sorta)\b",
        r"\b(?:maybe|probably|perhaps|possibly)\b",
        r"\b(?:somewhat|a little bit|more or less|i'm not sure|not really sure)\b",
    ),
}

#: Number pattern substituted for ``{num}`` in the tables above.
NUM_PATTERN = (
    r"(?:[$€£] ?)?\d[\d,]*(?:\.\d+)?(?: ?(?:%|k|m|bn|b|x|ms)\b|%)?"
    r"|(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|hundred|half|a half)"
    r"(?: (?:hundred|thousand|million|billion))?(?: percent)?"
)

# --------------------------------------------------------------------------- segmentation

#: Per-part cue patterns with weights. A sentence's score for a part is the sum of the weights
#: of the cues it matches, plus a position prior; the segmenter then finds the best in-order path.
SEGMENT_CUES: Mapping[str, tuple[tuple[str, float], ...]] = {
    "situation": (
        (r"\b(?:while|when) (?:i was )?(?:working|i worked|i was) (?:as|at|on)\b", 2.5),
        (
            r"\bat (?:my|our) (?:previous|last|current|old|first) (?:job|company|team|role|employer)",
            2.5,
        ),
        (
            r"\bi (?:was|worked as) (?:a|an|the) [\w -]{0,30}?(?:engineer|developer|sde\d?|lead"
            r"|intern|manager|architect)\b",
            2.0,
        ),
        (
            r"\b(?:our|the|my) (?:team|company|service|system|platform|product|org) (?:was|were|had"
            r"|owned|ran|handled|is|used|relied)\b",
            1.2,
        ),
        (r"\bthere (?:was|were)\b", 1.0),
        (r"\b(?:back in|in 20\d\d|last year|a few years ago|at the time|at that time)\b", 1.5),
        (
            r"\b(?:customers?|users?|clients?|developers?) (?:were|was|kept) (?:complaining|frustrated"
            r"|unhappy|seeing|experiencing|waiting|hitting)\b",
            1.2,
        ),
        (
            r"\b(?:was|were) (?:causing|hurting|impacting|failing|dropping|timing out|slowing)\b",
            1.0,
        ),
        (r"\bi (?:noticed|spotted|saw)\b", 0.8),
        (r"\b(?:recurring|intermittent|growing|constant)\b", 0.6),
    ),
    "task": (
        (
            r"\b(?:my|the|our) (?:goal|task|job|objective|responsibility|challenge|mission|aim"
            r"|commitment) (?:was|is|became)\b",
            3.0,
        ),
        (r"\bi (?:needed|had|wanted|decided|set out|committed|promised) to\b", 1.8),
        (
            r"\b(?:not my (?:team|job|code|service|area|responsibility|problem)|no ticket"
            r"|(?:nobody|no one) (?:had )?asked|wasn't assigned|was not assigned|outside (?:my|our)"
            r" (?:team|scope|area)|another team's)\b",
            3.0,
        ),
        (r"\bi was (?:responsible|accountable) for\b", 2.0),
        (r"\b(?:i|we) had to\b", 1.0),
        (r"\bi (?:was asked|was tasked|was assigned|took (?:it )?on|volunteered|owned)\b", 1.5),
        (r"\b(?:belonged|belongs) to\b", 1.2),
        (r"\bso i decided\b", 1.0),
        (
            r"\bi (?:set|gave) myself (?:the |a |one |two )?(?:goal|target|deadline|week|days?)\b",
            2.0,
        ),
    ),
    "action": (
        (
            r"^(?:first|firstly|then|next|after that|to do that|to start|i started by|so i|second"
            r"|third|from there|meanwhile)\b",
            1.2,
        ),
        (
            r"\bi (?!noticed|realized|realised|learned|wanted|needed|decided|liked|loved|hoped|used to)"
            r"(?:\w+ed|built|wrote|ran|made|took|set|led|drove|put|got|sent|brought|found|dug"
            r"|chose|began|spent|met|sat|held|kept|sought|caught|went|did|drew|rewrote|shipped"
            r"|paired|split|cut|broke|moved|gave|began|swapped|rebuilt|read|spoke|wrote|taught|hit"
            r"|fed|rode|threw|dropped|pulled|flew|sent|won|lost|stood|told|bought|sold|knew)\b",
            1.6,
        ),
        (r"\bwe (?:\w+ed|built|wrote|ran|made|took|set|shipped|split|moved|did)\b", 0.8),
        (
            r"\b(?:implemented|designed|built|wrote|added|created|refactored|migrated|profiled"
            r"|debugged|traced|reproduced|analy[sz]ed|deployed|proposed|presented|convinced"
            r"|negotiated|tested|benchmarked|automated|instrumented|prototyped|pulled|submitted"
            r"|rewrote|interviewed|mapped|drafted)\b",
            1.0,
        ),
    ),
    "result": (
        (
            r"\b(?:as a result|the result|in the end|ultimately|the outcome|overall|this (?:led|resulted)"
            r"|that (?:led|resulted)|which (?:led|resulted)|consequently|the impact|by the end|within"
            r" (?:a|two|three|\d+) (?:weeks?|months?|days?))\b",
            3.0,
        ),
        (
            r"\b(?:dropped|fell|went down|went up|decreased|reduced|increased|improved|grew|rose|cut"
            r"|saved|recovered|eliminated|doubled|halved|sped up)\b",
            1.0,
        ),
        (r"\bfrom [^.!?]{1,30}? to\b", 1.2),
        (r"(?:\d ?%|\bpercent\b|[$€£] ?\d|\bdollars\b)", 1.0),
        (
            r"\b(?:adopted|became (?:the|a) standard|rolled out to|reused|other teams|company[- ]wide"
            r")\b",
            2.0,
        ),
        (
            r"\b(?:customers?|users?|the team|clients?|my manager|leadership|everyone) (?:was|were)"
            r" (?:really |very )?(?:happy|pleased|thrilled|satisfied)\b",
            2.0,
        ),
        (r"\b(?:things|it|everything) (?:got|went|were) (?:a lot |much )?better\b", 2.0),
        (r"\b(?:launched|shipped|delivered|went live) (?:on time|successfully|in)\b", 1.2),
    ),
    "reflection": (
        (r"\bi (?:have )?(?:learned|learnt|took away)\b", 3.5),
        (r"\b(?:taught|showed) me\b", 3.0),
        (
            r"\b(?:looking back|in hindsight|in retrospect|on reflection|next time|going forward"
            r"|since then|from then on|the lesson|my takeaway|the takeaway|what i took)\b",
            3.5,
        ),
        (r"\bif i (?:did|had to do|could do|were to do|faced) (?:it|this|that)\b", 3.5),
        (
            r"\bi would(?:'ve| have)? (?:do|have|push|propose|start|involve|add|set|build|write|ask"
            r"|measure|spend|plan|insist|raise|bring)\b",
            2.0,
        ),
        (r"\bthe real (?:root cause|problem|issue|gap|lesson)\b", 3.0),
        (r"\bnow i (?:always|never|make sure|start)\b", 2.5),
        (r"\bi realized that\b", 1.5),
        (r"\b(?:is|are) (?:important|key|critical|essential)\b", 1.0),
    ),
}

# --------------------------------------------------------------------------- advice

ADVICE: Mapping[str, str] = {
    "manager_assigned": "Start from what you noticed and chose to do; an assigned start hides "
    "your initiative. If it was assigned, say what you took on beyond the assignment.",
    "we_language": "Say 'I' for every action you took; 'we' makes you invisible, so the "
    "interviewer cannot credit you.",
    "handoff": "Show what you did to get it fixed (brought a fix, data, a plan), not that you "
    "passed it on and someone else handled it.",
    "no_scope_boundary": "State the scope boundary out loud ('not my team', 'no ticket', "
    "'nobody asked') so the ownership is clearly self-initiated.",
    "no_metrics": "Quantify the result: a before/after number, what it meant for the business "
    "(money, hours, customers) and who else benefited.",
    "no_delta": "Give the change as a before/after ('from X to Y') or 'cut by N%', not just a "
    "final number.",
    "no_business_impact": "Translate the result into business terms: money, hours saved, "
    "customers affected.",
    "generic_reflection": "Replace the platitude with an insight only this story could teach: "
    "name the cause, the gap or the mechanism you would change.",
    "no_reflection": "Close with a short reflection: what this story taught you that changed how "
    "you work.",
    "part_missing": "Add this part; interviewers listen for all of Situation, Task, Action, "
    "Result and a Reflection.",
    "part_long": "Trim this part; the time belongs in the Action.",
    "part_short": "Give this part a little more substance; it is thinner than interviewers expect.",
    "over_time": "The answer runs over its budget; cut context first, then secondary actions, "
    "and leave room for follow-up questions.",
    "filler_heavy": "Pause silently instead of filling; fillers make a prepared answer sound "
    "unsure.",
    "hedging": "Drop the hedges ('I think', 'kind of'); state what you did and what happened.",
    "repetition": "You repeat the same phrase; vary the wording or cut the repeat.",
    "pace_fast": "Slow down; above about 180 words a minute interviewers miss details.",
    "pace_slow": "Pick up the pace a little; long gaps make the story drag.",
    "long_pauses": "Several long silences; rehearse the transitions between parts.",
    "no_tradeoff": "Name the trade-off: what you chose, what you gave up, and why that was the "
    "right cost.",
    "generic_change": "Name one concrete thing you would change in this story (a mechanism, a "
    "step earlier, a metric), not a general virtue.",
    "vague_detail": "Go one level deeper: the specific steps, tools, numbers and the causal "
    "chain you found.",
    "no_mechanism": "Describe the mechanism that makes the fix last or scale (alert, automation, "
    "standard) and who adopted it.",
    "no_evidence": "Show how you used data or evidence, and that you understood the other "
    "side's concern before persuading.",
    "no_ownership_action": "Describe what you personally did to move it forward without authority.",
}


def compile_pattern(p: str) -> re.Pattern[str]:
    return re.compile(p.replace("{num}", f"(?:{NUM_PATTERN})"), re.IGNORECASE)


@cache
def compiled(name: str) -> tuple[re.Pattern[str], ...]:
    return tuple(compile_pattern(p) for p in PATTERNS[name])


@cache
def compiled_cues() -> dict[str, tuple[tuple[re.Pattern[str], float], ...]]:
    return {
        part: tuple((compile_pattern(p), w) for p, w in cues) for part, cues in SEGMENT_CUES.items()
    }


def rules_digest() -> str:
    """A short hash of every table in this module."""
    h = hashlib.sha256()
    for table in (WORD_NUMBERS, UNITS, PATTERNS, SEGMENT_CUES, ADVICE):
        h.update(repr(sorted(table.items())).encode())
    h.update(NUM_PATTERN.encode())
    return h.hexdigest()[:8]
