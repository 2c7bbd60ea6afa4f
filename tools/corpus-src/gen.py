#!/usr/bin/env python3
"""Generate the provisio sample corpus from the sources in docs/.

Every document in corpus/ is written by this script from one source file in
docs/*.src (PDFs go through an intermediate .fodt that LibreOffice converts;
see build.sh).  Only the Python standard library is used, and nothing depends
on the clock, so the output is byte-for-byte reproducible.

Source file format
------------------
    key: value          (header lines)
    ...
    ---
    body

Header keys: out (path under the repo root), role (notice | list |
interpretation | news | reference | distractor; used by verify.py), kind, encoding
(utf-8 | gb18030 | gbk | big5 | utf-16le-bom), eol (lf | crlf), plus
kind-specific metadata (title, pubdate, site, charset-decl, pdf-*, docx-*, ...).

Kinds: raw (body written verbatim), text (rendered plain text), pdf (flat ODT
for LibreOffice), docx, and the HTML templates trs (classic gov.cn TRS page,
optional charset-decl), xxgk (信息公开 page with index table), plain, news-en,
news-en2, news-zh, blog-en.

Body mark-up (kinds text, pdf, docx, *-html), one paragraph per line:
    # T            document title            ## T   sub-title (e.g. attached 方案)
    @redhead T     red masthead (文件头)      @docno T  文号 line under the masthead
    @center T      centred line              @right T  right-aligned line
    @left T        paragraph without indent  @h T     heading paragraph (一、…)
    @small T       small print (抄送, 印发)   @blank    empty paragraph
    @pagebreak     explicit page break
    @table / a | b | c / @endtable           a table; first row is the header
    anything else  an ordinary indented body paragraph
Lines starting with ';' are comments.  For kind raw the body is written
verbatim (after the header), for kind text it is rendered as plain text.
"""
import hashlib
import html
import os
import re
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
BUILD = os.path.join(HERE, "build")


# --------------------------------------------------------------------------
# parsing

def parse_source(path):
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    head, sep, body = raw.partition("\n---\n")
    if not sep:
        sys.exit(f"{path}: missing '---' separator")
    meta = {}
    for line in head.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        k, _, v = line.partition(":")
        meta[k.strip()] = v.strip()
    meta.setdefault("encoding", "utf-8")
    meta.setdefault("eol", "lf")
    meta["_src"] = os.path.basename(path)
    return meta, body


def parse_blocks(body):
    blocks = []
    table = None
    for line in body.split("\n"):
        if line.startswith(";"):
            continue
        s = line.rstrip()
        if table is not None:
            if s == "@endtable":
                blocks.append(("table", table))
                table = None
            elif s:
                table.append([c.strip() for c in s.split(" | ")])
            continue
        if not s.strip():
            continue
        if s == "@table":
            table = []
        elif s == "@pagebreak":
            blocks.append(("pagebreak", ""))
        elif s == "@blank":
            blocks.append(("blank", ""))
        elif s.startswith("## "):
            blocks.append(("subtitle", s[3:]))
        elif s.startswith("# "):
            blocks.append(("title", s[2:]))
        elif s.startswith("@"):
            tag, _, rest = s[1:].partition(" ")
            if tag not in ("redhead", "docno", "center", "right", "left", "h", "small"):
                sys.exit(f"unknown tag @{tag}")
            blocks.append((tag, rest))
        else:
            blocks.append(("p", s.strip()))
    if table is not None:
        sys.exit("unterminated @table")
    return blocks


# --------------------------------------------------------------------------
# output helpers

def encode(text, meta):
    if meta["eol"] == "crlf":
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    enc = meta["encoding"]
    if enc == "utf-16le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if enc == "utf-8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    # strict: a character the encoding lacks is a bug in the source
    return text.encode(enc, errors="strict")


def write_out(meta, data):
    out = os.path.join(ROOT, meta["out"])
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "wb") as f:
        f.write(data)
    print(f"  {meta['out']}  ({len(data)} bytes)")


E = html.escape


# --------------------------------------------------------------------------
# plain text

def render_text(meta, blocks):
    style = meta.get("txtstyle", "indent")
    out = []
    for kind, t in blocks:
        if kind == "pagebreak":
            out.append("\f" if style == "formfeed" else "")
            continue
        if kind == "blank":
            out.append("")
            continue
        if kind == "table":
            for row in t:
                out.append("\t".join(row))
            continue
        if kind in ("title", "subtitle", "redhead", "docno", "center"):
            line = t
        elif kind == "right":
            line = "　" * 16 + t
        elif kind in ("left", "small"):
            line = t
        else:  # p, h
            line = ("　　" + t) if style in ("indent", "formfeed") else t
        out.append(line)
        if style == "blank":
            out.append("")
    text = "\n".join(out).rstrip("\n") + "\n"
    return text


# --------------------------------------------------------------------------
# HTML body (shared by all HTML templates)

def html_body(blocks, indent_style=True):
    parts = []
    for kind, t in blocks:
        if kind == "table":
            rows = []
            for i, row in enumerate(t):
                cell = "th" if i == 0 else "td"
                rows.append("<tr>" + "".join(f"<{cell}>{E(c)}</{cell}>" for c in row) + "</tr>")
            parts.append('<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:collapse;margin:0 auto">\n'
                         + "\n".join(rows) + "\n</table>")
            continue
        if kind in ("pagebreak", "blank"):
            continue
        if kind in ("title", "subtitle", "redhead"):
            parts.append(f'<p style="text-align:center"><strong>{E(t)}</strong></p>')
        elif kind in ("center", "docno"):
            parts.append(f'<p style="text-align:center">{E(t)}</p>')
        elif kind == "right":
            parts.append(f'<p style="text-align:right">{E(t)}</p>')
        elif kind in ("left", "small"):
            parts.append(f"<p>{E(t)}</p>")
        elif kind == "h":
            if indent_style:
                parts.append(f'<p style="text-indent:2em"><strong>{E(t)}</strong></p>')
            else:
                parts.append(f"<p><strong>{E(t)}</strong></p>")
        else:
            if indent_style:
                parts.append(f'<p style="text-indent:2em">{E(t)}</p>')
            else:
                parts.append(f"<p>{E(t)}</p>")
    return "\n".join(parts)


def body_without_title(blocks):
    """Drop the leading title (the page template prints it as a heading)."""
    out = list(blocks)
    for i, (k, _) in enumerate(out):
        if k == "title":
            del out[i]
            break
    return out


# ---- template: classic gov.cn TRS page (table layout, GB charset) ----------

def tpl_trs(meta, blocks):
    charset = meta.get("charset-decl", "")
    cs = (f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
          if charset else "")
    site = meta["site"]
    nav = meta.get("nav", "首页,机构概况,政务公开,政务服务,互动交流,专题专栏").split(",")
    navhtml = "\n".join(f'<td class="navtd"><a href="{"./" if i == 0 else "../" + str(i) + "/"}">{E(n)}</a></td>'
                        for i, n in enumerate(nav))
    title = meta["title"]
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{cs}<title>{E(title)}_{E(site)}</title>
<meta name="SiteName" content="{E(site)}">
<meta name="SiteDomain" content="{E(meta.get('domain', ''))}">
<meta name="ColumnName" content="{E(meta.get('column', '通知公告'))}">
<meta name="ArticleTitle" content="{E(title)}">
<meta name="PubDate" content="{E(meta['pubdate'])}">
<meta name="ContentSource" content="{E(meta.get('source', site))}">
<meta name="Keywords" content="{E(meta.get('keywords', ''))}">
<link href="../../images/style.css" rel="stylesheet" type="text/css">
<script type="text/javascript" src="../../js/jquery-1.8.3.min.js"></script>
<script type="text/javascript">
var _hmt = _hmt || [];
function doZoom(size){{ document.getElementById('zoom').style.fontSize = size + 'px'; }}
</script>
</head>
<body>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" class="top">
<tr><td class="logo"><img src="../../images/logo.png" alt="{E(site)}"></td>
<td class="toplink" align="right"><a href="#">设为首页</a> | <a href="#">加入收藏</a> | <a href="#">无障碍浏览</a> | <a href="#">English</a></td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" class="nav">
<tr>
{navhtml}
</tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td class="position">当前位置：<a href="../../">首页</a> &gt; <a href="../">{E(meta.get('column-parent', '政务公开'))}</a> &gt; {E(meta.get('column', '通知公告'))}</td></tr>
<tr><td>
<div class="article">
<h1 class="title">{E(title)}</h1>
<div class="info">发布时间：{E(meta['pubdate'])}　　来源：{E(meta.get('source', site))}　　字号：[<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>]</div>
<div id="zoom">
<div class="TRS_Editor">
{html_body(body_without_title(blocks))}
</div>
</div>
<div class="tools"><a href="javascript:window.print()">【打印本页】</a>　<a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
</td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" class="footer">
<tr><td align="center">
<p>主办单位：{E(site)}　　地址：{E(meta.get('address', ''))}</p>
<p>{E(meta.get('icp', ''))}　　网站标识码：{E(meta.get('siteid', ''))}</p>
<p><a href="#">网站地图</a> | <a href="#">联系我们</a> | <a href="#">隐私声明</a></p>
</td></tr>
</table>
<script type="text/javascript">
(function(){{ var s = document.createElement('script'); s.src = '../../js/count.js'; document.body.appendChild(s); }})();
</script>
</body>
</html>
"""


# ---- template: modern gov site with 信息公开 index table (UTF-8) ---------

def tpl_xxgk(meta, blocks):
    site = meta["site"]
    title = meta["title"]
    nav = meta.get("nav", "首页,政务公开,政务服务,政民互动,走进" + meta.get("short", "")).split(",")
    navhtml = "\n".join(f'      <li><a href="/{i}/">{E(n)}</a></li>' for i, n in enumerate(nav))
    rows = [("索引号", meta.get("index", "")), ("发布机构", meta.get("source", site)),
            ("成文日期", meta.get("written", "")), ("发文字号", meta.get("docno", "")),
            ("发布日期", meta["pubdate"][:10]), ("主题分类", meta.get("topic", "商贸、海关、旅游"))]
    idx = "\n".join(f"        <tr><th>{E(k)}：</th><td>{E(v)}</td></tr>" for k, v in rows if v)
    pclass = meta.get("bodyclass", "article-content")
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{E(title)}-{E(site)}</title>
  <meta name="SiteName" content="{E(site)}">
  <meta name="ArticleTitle" content="{E(title)}">
  <meta name="PubDate" content="{E(meta['pubdate'])}">
  <meta name="ContentSource" content="{E(meta.get('source', site))}">
  <link rel="stylesheet" href="/static/css/common.css">
  <script src="/static/js/jquery.min.js"></script>
</head>
<body>
  <header class="site-header">
    <div class="wrap">
      <a class="logo" href="/"><img src="/static/img/logo.png" alt="{E(site)}"></a>
      <div class="header-tools"><a href="/wza/">无障碍</a><a href="/m/">移动版</a><form class="search" action="/search/"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
    </div>
    <nav class="main-nav">
      <ul>
{navhtml}
      </ul>
    </nav>
  </header>
  <div class="wrap breadcrumb">您当前的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/tzgg/">{E(meta.get('column', '通知公告'))}</a></div>
  <main class="wrap">
    <div class="xxgk-index">
      <table>
{idx}
      </table>
    </div>
    <h1 class="article-title">{E(title)}</h1>
    <div class="article-meta"><span>发布时间：{E(meta['pubdate'])}</span><span>来源：{E(meta.get('source', site))}</span><span class="font-size">字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></span></div>
    <div id="zoom" class="{E(pclass)}">
{html_body(body_without_title(blocks))}
    </div>
    <div class="article-share">分享到：<a href="#" class="wx">微信</a><a href="#" class="wb">微博</a></div>
    <div class="related"><h3>相关文件</h3><ul>{''.join(f'<li><a href="#">{E(r)}</a></li>' for r in meta.get('related', '').split('|') if r)}</ul></div>
  </main>
  <footer class="site-footer">
    <div class="wrap">
      <p><a href="/about/">关于本网</a> | <a href="/sitemap/">网站地图</a> | <a href="/contact/">联系我们</a></p>
      <p>主办：{E(site)}　{E(meta.get('icp', ''))}</p>
      <p>网站标识码：{E(meta.get('siteid', ''))}　{E(meta.get('police', ''))}</p>
    </div>
  </footer>
  <script src="/static/js/zoom.js"></script>
  <script>var _paq = window._paq = window._paq || []; _paq.push(['trackPageView']);</script>
</body>
</html>
"""


# ---- template: simple UTF-8 article page (school, bureau, Q&A) ------------

def tpl_plain(meta, blocks):
    site = meta["site"]
    title = meta["title"]
    return f"""<!doctype html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{E(title)}</title>
<meta name="PubDate" content="{E(meta['pubdate'])}">
<meta name="description" content="{E(meta.get('description', title))}">
<style>body{{font-family:"Microsoft YaHei",sans-serif}} .content p{{line-height:2}}</style>
</head>
<body>
<div id="top"><div class="banner">{E(site)}</div>
<ul class="menu"><li><a href="/">网站首页</a></li><li><a href="/news/">{E(meta.get('menu1', '新闻动态'))}</a></li><li><a href="/notice/">{E(meta.get('menu2', '通知公告'))}</a></li><li><a href="/guide/">{E(meta.get('menu3', '办事指南'))}</a></li><li><a href="/contact/">联系我们</a></li></ul></div>
<div class="main">
<div class="leftbar"><h3>{E(meta.get('column', '通知公告'))}</h3><ul><li><a href="#">{E(meta.get('menu1', '新闻动态'))}</a></li><li><a href="#">{E(meta.get('menu2', '通知公告'))}</a></li></ul></div>
<div class="right">
<h2>{E(title)}</h2>
<div class="sub">发布日期：{E(meta['pubdate'][:10])}　浏览次数：<span id="hits">{E(meta.get('hits', '1024'))}</span></div>
<div class="content">
{html_body(body_without_title(blocks))}
</div>
</div>
</div>
<div id="foot">Copyright &copy; {E(site)} 版权所有　{E(meta.get('icp', ''))}</div>
<script src="/js/hits.js"></script>
</body>
</html>
"""


# ---- template: news article pages -----------------------------------------

def news_paras(blocks):
    parts = []
    for kind, t in blocks:
        if kind == "title":
            continue
        if kind == "h":
            parts.append(f"<h2>{E(t)}</h2>")
        elif kind in ("p", "left", "center", "right", "small"):
            parts.append(f"<p>{E(t)}</p>")
    return "\n".join(parts)


def tpl_news_en(meta, blocks):
    """An English news site: <nav> with Subscribe, <article>, footer, scripts."""
    site = meta["site"]
    title = meta["title"]
    pub = meta["published"]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{E(title)} | {E(site)}</title>
<meta name="description" content="{E(meta.get('description', ''))}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{E(site)}">
<meta property="og:title" content="{E(title)}">
<meta property="article:published_time" content="{E(pub)}">
<meta property="article:section" content="{E(meta.get('section', 'Business'))}">
<meta name="author" content="{E(meta.get('author', ''))}">
<link rel="stylesheet" href="/assets/main.css">
<script async src="/assets/analytics.js"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}} gtag('js', 'init'); gtag('config', 'site-main');</script>
</head>
<body class="article-page">
<a class="skip-link" href="#main">Skip to content</a>
<header class="masthead">
  <div class="brand"><a href="/">{E(site)}</a></div>
  <nav class="top-nav" aria-label="Main">
    <ul>
      <li><a href="/world/">World</a></li>
      <li><a href="/business/">Business</a></li>
      <li><a href="/markets/">Markets</a></li>
      <li><a href="/autos/">Autos &amp; Transport</a></li>
      <li><a href="/opinion/">Opinion</a></li>
      <li class="cta"><a href="/subscribe/">Subscribe</a></li>
      <li><a href="/login/">Sign in</a></li>
    </ul>
  </nav>
</header>
<div class="ad-slot" id="ad-top" data-slot="leaderboard"></div>
<main id="main">
<article class="story">
  <header class="story-header">
    <p class="kicker">{E(meta.get('section', 'Business'))}</p>
    <h1>{E(title)}</h1>
    <p class="byline">By {E(meta.get('author', ''))}</p>
    <time datetime="{E(pub)}">{E(meta.get('dateline', pub[:10]))}</time>
  </header>
  <div class="story-body">
{news_paras(blocks)}
  </div>
</article>
<aside class="related-stories">
  <h2>More from {E(site)}</h2>
  <ul>{''.join(f'<li><a href="#">{E(r)}</a></li>' for r in meta.get('related', '').split('|') if r)}</ul>
</aside>
</main>
<footer class="site-footer">
  <p>&copy; {E(meta.get('year', pub[:4]))} {E(site)}. All rights reserved.</p>
  <p><a href="/terms/">Terms of use</a> &middot; <a href="/privacy/">Privacy</a> &middot; <a href="/cookies/">Cookie settings</a> &middot; <a href="/contact/">Contact</a></p>
</footer>
<script>document.querySelectorAll('.ad-slot').forEach(function(el){{el.setAttribute('data-loaded','0');}});</script>
</body>
</html>
"""


def tpl_news_en2(meta, blocks):
    """A second English site: div soup, newsletter box in <nav>, JSON-LD."""
    site = meta["site"]
    title = meta["title"]
    pub = meta["published"]
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<title>{E(title)} - {E(site)}</title>
<meta property="og:title" content="{E(title)}">
<meta property="article:published_time" content="{E(pub)}">
<meta property="article:author" content="{E(meta.get('author', ''))}">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{E(title)}","datePublished":"{E(pub)}"}}</script>
<link rel="stylesheet" href="/css/site.css">
</head>
<body>
<div id="page">
<div class="header-bar">
  <div class="logo"><a href="/">{E(site)}</a></div>
  <nav class="menu">
    <a href="/news">News</a> <a href="/analysis">Analysis</a> <a href="/data">Data</a> <a href="/events">Events</a>
    <a href="/newsletters" class="button">Subscribe to our newsletters</a>
  </nav>
</div>
<div class="content-wrap">
  <div class="main-col">
    <div class="breadcrumbs"><a href="/">Home</a> / <a href="/{E(meta.get('section', 'news').lower())}">{E(meta.get('section', 'News'))}</a></div>
    <div class="entry">
      <h1 class="entry-title">{E(title)}</h1>
      <div class="entry-meta">{E(meta.get('author', ''))} &bull; {E(meta.get('dateline', pub[:10]))}</div>
      <div class="entry-content">
{news_paras(blocks)}
      </div>
      <div class="tags">Tags: {E(meta.get('tags', ''))}</div>
    </div>
  </div>
  <div class="sidebar">
    <div class="widget"><h3>Most read</h3><ol>{''.join(f'<li><a href="#">{E(r)}</a></li>' for r in meta.get('related', '').split('|') if r)}</ol></div>
  </div>
</div>
<div class="footer">{E(site)} &copy; {E(pub[:4])} &middot; <a href="/about">About</a> &middot; <a href="/advertise">Advertise</a></div>
</div>
<script src="/js/vendor.bundle.js"></script>
<script>if (window.cmp) {{ window.cmp('init'); }}</script>
</body>
</html>
"""


def tpl_news_zh(meta, blocks):
    site = meta["site"]
    title = meta["title"]
    pub = meta["published"]
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{E(title)}_{E(site)}</title>
<meta name="keywords" content="{E(meta.get('keywords', ''))}">
<meta name="description" content="{E(meta.get('description', ''))}">
<meta property="article:published_time" content="{E(pub)}">
<meta name="author" content="{E(meta.get('author', ''))}">
<link rel="stylesheet" href="//static.example-news.cn/css/article.css">
<script src="//static.example-news.cn/js/base.js"></script>
</head>
<body>
<div class="top-bar"><div class="w1200"><span class="date">{E(meta.get('dateline', ''))}</span><a href="/app/">客户端下载</a><a href="/login/">登录</a></div></div>
<div class="header w1200"><a class="logo" href="/">{E(site)}</a>
<ul class="channel-nav"><li><a href="/">首页</a></li><li><a href="/politics/">时政</a></li><li><a href="/finance/">财经</a></li><li><a href="/auto/">汽车</a></li><li><a href="/local/">地方</a></li><li><a href="/video/">视频</a></li></ul></div>
<div class="w1200 main clearfix">
<div class="article-left">
<h1>{E(title)}</h1>
<div class="article-info"><span>{E(pub[:10])} {E(pub[11:16])}</span><span>来源：{E(meta.get('source', site))}</span><span>作者：{E(meta.get('author', ''))}</span></div>
<div class="article-content" id="articleText">
{news_paras(blocks)}
</div>
<div class="editor">（责任编辑：{E(meta.get('editor', ''))}）</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
</div>
<div class="article-right"><div class="hot"><h3>热点推荐</h3><ul>{''.join(f'<li><a href="#">{E(r)}</a></li>' for r in meta.get('related', '').split('|') if r)}</ul></div></div>
</div>
<div class="footer"><p>{E(site)}版权所有，未经书面授权禁止转载　{E(meta.get('icp', ''))}</p><p>违法和不良信息举报电话：{E(meta.get('tel', ''))}</p></div>
<script>var hm = document.createElement("script"); hm.src = "//stat.example-news.cn/s.js"; document.body.appendChild(hm);</script>
</body>
</html>
"""


def tpl_blog_en(meta, blocks):
    """A minimal English page (sports blog / club news)."""
    site = meta["site"]
    title = meta["title"]
    pub = meta["published"]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{E(title)} &ndash; {E(site)}</title>
<meta property="article:published_time" content="{E(pub)}">
<link rel="stylesheet" href="/theme.css">
</head>
<body>
<header><h2 class="site-title"><a href="/">{E(site)}</a></h2>
<nav><a href="/">Home</a> | <a href="/fixtures">Fixtures</a> | <a href="/results">Results</a> | <a href="/tickets">Tickets</a> | <a href="/shop">Shop</a></nav></header>
<main>
<article>
<h1>{E(title)}</h1>
<p class="meta">Posted {E(meta.get('dateline', pub[:10]))} by {E(meta.get('author', ''))}</p>
{news_paras(blocks)}
</article>
</main>
<footer><p>{E(site)} &middot; Registered office: {E(meta.get('address', ''))}</p></footer>
<script src="/js/menu.js"></script>
</body>
</html>
"""


HTML_TEMPLATES = {
    "trs": tpl_trs, "xxgk": tpl_xxgk, "plain": tpl_plain,
    "news-en": tpl_news_en, "news-en2": tpl_news_en2, "news-zh": tpl_news_zh,
    "blog-en": tpl_blog_en,
}


# --------------------------------------------------------------------------
# Flat ODT (for LibreOffice -> PDF)

FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta>
 <dc:title>{title}</dc:title>
 <meta:initial-creator>{creator}</meta:initial-creator>
 <dc:creator>{creator}</dc:creator>
 <meta:creation-date>{date}T09:00:00</meta:creation-date>
 <dc:date>{date}T09:00:00</dc:date>
 <dc:language>zh-CN</dc:language>
</office:meta>
<office:font-face-decls>
 <style:font-face style:name="{bodyfont}" svg:font-family="&apos;{bodyfont}&apos;" style:font-family-generic="roman"/>
 <style:font-face style:name="{headfont}" svg:font-family="&apos;{headfont}&apos;" style:font-family-generic="swiss"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:line-height="{lh}" style:punctuation-wrap="hanging" style:line-break="strict" style:text-autospace="none"/>
  <style:text-properties style:font-name="{bodyfont}" fo:font-size="{fs}" fo:language="zh" fo:country="CN"
   style:font-name-asian="{bodyfont}" style:font-size-asian="{fs}" style:language-asian="zh" style:country-asian="CN"
   style:font-name-complex="{bodyfont}" style:font-size-complex="{fs}"/>
 </style:default-style>
 <style:default-style style:family="table-cell"/>
 <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
 <style:style style:name="P_p" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-indent="{indent}" fo:text-align="justify" fo:margin-top="0cm" fo:margin-bottom="0cm"/>
 </style:style>
 <style:style style:name="P_h" style:family="paragraph" style:parent-style-name="P_p">
  <style:text-properties style:font-name="{headfont}" style:font-name-asian="{headfont}" fo:font-weight="bold" style:font-weight-asian="bold"/>
 </style:style>
 <style:style style:name="P_left" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="start"/>
 </style:style>
 <style:style style:name="P_center" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center"/>
 </style:style>
 <style:style style:name="P_right" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="end" fo:margin-right="{rightpad}"/>
 </style:style>
 <style:style style:name="P_small" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="start" fo:margin-top="0.2cm"/>
  <style:text-properties fo:font-size="11pt" style:font-size-asian="11pt"/>
 </style:style>
 <style:style style:name="P_blank" style:family="paragraph" style:parent-style-name="Standard"/>
 <style:style style:name="P_title" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:margin-top="0.4cm" fo:margin-bottom="0.4cm" fo:line-height="130%"/>
  <style:text-properties style:font-name="{headfont}" style:font-name-asian="{headfont}" fo:font-size="{tfs}" style:font-size-asian="{tfs}" fo:font-weight="bold" style:font-weight-asian="bold"/>
 </style:style>
 <style:style style:name="P_subtitle" style:family="paragraph" style:parent-style-name="P_title">
  <style:text-properties fo:font-size="15pt" style:font-size-asian="15pt"/>
 </style:style>
 <style:style style:name="P_redhead" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:margin-top="0cm" fo:margin-bottom="0.5cm" fo:line-height="120%"/>
  <style:text-properties fo:color="#d40000" style:font-name="{bodyfont}" style:font-name-asian="{bodyfont}" fo:font-size="30pt" style:font-size-asian="30pt" fo:font-weight="bold" style:font-weight-asian="bold" fo:letter-spacing="0.1cm"/>
 </style:style>
 <style:style style:name="P_docno" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.6cm" fo:padding-bottom="0.2cm" fo:border-bottom="1.5pt solid #d40000"/>
 </style:style>
 <style:style style:name="P_cell" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:line-height="125%"/>
  <style:text-properties fo:font-size="11pt" style:font-size-asian="11pt"/>
 </style:style>
 <style:style style:name="P_footer" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="11pt" style:font-size-asian="11pt"/>
 </style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="pm1">
  <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="{mt}" fo:margin-bottom="1.8cm" fo:margin-left="2.8cm" fo:margin-right="2.6cm"/>
  <style:footer-style><style:header-footer-properties fo:min-height="0.8cm" fo:margin-top="0.4cm"/></style:footer-style>
 </style:page-layout>
{breakstyles}
 <style:style style:name="Tbl" style:family="table"><style:table-properties style:width="15.6cm" table:align="center"/></style:style>
 <style:style style:name="TblCell" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #000000"/></style:style>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="pm1">
  <style:footer><text:p text:style-name="P_footer">— <text:page-number text:select-page="current">1</text:page-number> —</text:p></style:footer>
 </style:master-page>
</office:master-styles>
<office:body>
<office:text>
"""

FODT_TAIL = """</office:text>
</office:body>
</office:document>
"""

PARA_STYLE = {"p": "P_p", "h": "P_h", "left": "P_left", "center": "P_center", "right": "P_right",
              "small": "P_small", "blank": "P_blank", "title": "P_title", "subtitle": "P_subtitle",
              "redhead": "P_redhead", "docno": "P_docno"}


def X(s):
    return html.escape(s, quote=False)


def render_fodt(meta, blocks):
    out = []
    pending_break = False
    used_breaks = set()
    tcount = 0
    for kind, t in blocks:
        if kind == "pagebreak":
            pending_break = True
            continue
        if kind == "table":
            tcount += 1
            ncol = len(t[0])
            widths = [int(w) for w in meta.get("pdf-colwidths", ",".join(["10"] * ncol)).split(",")]
            tot = sum(widths)
            cols = "".join(f'<table:table-column table:style-name="TblC{tcount}_{i}"/>' for i in range(ncol))
            rows = []
            for row in t:
                cells = "".join(f'<table:table-cell table:style-name="TblCell" office:value-type="string">'
                                f'<text:p text:style-name="P_cell">{X(c)}</text:p></table:table-cell>' for c in row)
                rows.append(f"<table:table-row>{cells}</table:table-row>")
            colstyles = "".join(
                f' <style:style style:name="TblC{tcount}_{i}" style:family="table-column">'
                f'<style:table-column-properties style:column-width="{15.6 * w / tot:.2f}cm"/></style:style>\n'
                for i, w in enumerate(widths))
            used_breaks.add(("COLS", colstyles))
            out.append(f'<table:table table:name="Table{tcount}" table:style-name="Tbl">{cols}\n' + "\n".join(rows) + "\n</table:table>")
            continue
        style = PARA_STYLE[kind]
        if pending_break:
            used_breaks.add(style)
            style = style + "_break"
            pending_break = False
        out.append(f'<text:p text:style-name="{style}">{X(t)}</text:p>')
    brk = []
    for s in sorted(x for x in used_breaks if isinstance(x, str)):
        brk.append(f' <style:style style:name="{s}_break" style:family="paragraph" style:parent-style-name="{s}">'
                   f'<style:paragraph-properties fo:break-before="page"/></style:style>')
    for x in sorted(x for x in used_breaks if isinstance(x, tuple)):
        brk.append(x[1].rstrip("\n"))
    head = FODT_HEAD.format(
        title=X(meta["title"]), creator=X(meta.get("creator", "")), date=meta.get("date", "2023-01-01"),
        lh=meta.get("pdf-line-height", "150%"), fs=meta.get("pdf-font-size", "14pt"),
        tfs=meta.get("pdf-title-size", "20pt"), indent=meta.get("pdf-indent", "28pt"),
        rightpad=meta.get("pdf-right-pad", "1.2cm"), mt=meta.get("pdf-margin-top", "2.5cm"),
        bodyfont=meta.get("pdf-body-font", "AR PL UMing CN"),
        headfont=meta.get("pdf-head-font", "WenQuanYi Zen Hei"),
        breakstyles="\n".join(brk))
    return head + "\n".join(out) + "\n" + FODT_TAIL


# --------------------------------------------------------------------------
# DOCX (WordprocessingML written directly; fixed zip timestamps)

W_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')

DOCX_FONTS = {
    "body": ("Times New Roman", "仿宋_GB2312"),
    "title": ("Times New Roman", "方正小标宋简体"),
    "h": ("Times New Roman", "黑体"),
}


DOCX_SIZE = {"body": 32, "line": 560}   # half-points / twips; set per document


def w_run(text, font="body", size=None, bold=False, color=None):
    if size is None:
        size = DOCX_SIZE["body"]
    ascii_f, ea = DOCX_FONTS[font]
    rpr = f'<w:rFonts w:ascii="{ascii_f}" w:hAnsi="{ascii_f}" w:eastAsia="{ea}"/>'
    if bold:
        rpr += "<w:b/>"
    if color:
        rpr += f'<w:color w:val="{color}"/>'
    rpr += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    return f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{X(text)}</w:t></w:r>'


def w_para(kind, text):
    ppr = f'<w:spacing w:line="{DOCX_SIZE["line"]}" w:lineRule="exact"/>'
    ind = f'<w:ind w:firstLineChars="200" w:firstLine="{DOCX_SIZE["body"] * 20}"/>'
    if kind == "p":
        return f'<w:p><w:pPr>{ppr}{ind}<w:jc w:val="both"/></w:pPr>{w_run(text)}</w:p>'
    if kind == "h":
        return f'<w:p><w:pPr>{ppr}{ind}</w:pPr>{w_run(text, "h")}</w:p>'
    if kind in ("title", "subtitle"):
        size = DOCX_SIZE["body"] + (12 if kind == "title" else 4)
        return (f'<w:p><w:pPr><w:pStyle w:val="Title"/><w:spacing w:before="240" w:after="240" w:line="{DOCX_SIZE["line"] + 80}" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr>'
                f'{w_run(text, "title", size)}</w:p>')
    if kind == "redhead":
        return f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr>{w_run(text, "title", DOCX_SIZE["body"] * 2, True, "FF0000")}</w:p>'
    if kind == "docno":
        return (f'<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="18" w:space="4" w:color="FF0000"/></w:pBdr>'
                f'<w:spacing w:after="480"/><w:jc w:val="center"/></w:pPr>{w_run(text)}</w:p>')
    if kind == "center":
        return f'<w:p><w:pPr>{ppr}<w:jc w:val="center"/></w:pPr>{w_run(text)}</w:p>'
    if kind == "right":
        return f'<w:p><w:pPr>{ppr}<w:ind w:right="1280"/><w:jc w:val="right"/></w:pPr>{w_run(text)}</w:p>'
    if kind == "small":
        return f'<w:p><w:pPr><w:spacing w:before="120"/></w:pPr>{w_run(text, size=DOCX_SIZE["body"] - 8)}</w:p>'
    if kind == "blank":
        return f'<w:p><w:pPr>{ppr}</w:pPr></w:p>'
    # left
    return f'<w:p><w:pPr>{ppr}</w:pPr>{w_run(text)}</w:p>'


def w_table(rows, widths):
    tot = sum(widths)
    grid = "".join(f'<w:gridCol w:w="{int(8800 * w / tot)}"/>' for w in widths)
    bd = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                 for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:jc w:val="center"/>'
           f'<w:tblBorders>{bd}</w:tblBorders></w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    for i, row in enumerate(rows):
        cells = []
        for j, c in enumerate(row):
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{int(8800 * widths[j] / tot)}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                         f'<w:p><w:pPr><w:jc w:val="{"center" if i == 0 or j == 0 else "left"}"/></w:pPr>'
                         f'{w_run(c, "h" if i == 0 else "body", DOCX_SIZE["body"] - 4)}</w:p></w:tc>')
        hdr = '<w:trPr><w:tblHeader/></w:trPr>' if i == 0 else ""
        out.append(f"<w:tr>{hdr}{''.join(cells)}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def render_docx(meta, blocks):
    DOCX_SIZE["body"] = int(meta.get("docx-body-size", "32"))
    DOCX_SIZE["line"] = int(meta.get("docx-line", "560"))
    body = []
    for kind, t in blocks:
        if kind == "pagebreak":
            body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        elif kind == "table":
            widths = [int(w) for w in meta.get("docx-colwidths", ",".join(["10"] * len(t[0]))).split(",")]
            body.append(w_table(t, widths))
        else:
            body.append(w_para(kind, t))
    mt, mb = meta.get("docx-margins", "2098,1984").split(",")
    sect = (f'<w:sectPr><w:footerReference w:type="default" r:id="rId3"/>'
            '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="{mt}" w:right="1474" w:bottom="{mb}" w:left="1588" '
            'w:header="851" w:footer="992" w:gutter="0"/><w:docGrid w:type="lines" w:linePitch="579"/></w:sectPr>')
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W_NS}><w:body>'
                + "".join(body) + sect + "</w:body></w:document>")
    styles = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {W_NS}>'
              '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/>'
              '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
              '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>'
              '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:jc w:val="center"/></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="18"/></w:rPr></w:style>'
              '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
              '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
              '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>'
              '<w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
              '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
              '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
              '</w:tblBorders></w:tblPr></w:style></w:styles>')
    footer = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr {W_NS}><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
              '<w:r><w:t xml:space="preserve">— </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
              '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
              '<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>')
    settings = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings {W_NS}><w:defaultTabStop w:val="420"/>'
                '<w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" '
                'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>')
    content_types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                     '<Default Extension="xml" ContentType="application/xml"/>'
                     '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                     '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
                     '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
                     '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
                     '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                     '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
                     '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>')
    doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
                '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
                '</Relationships>')
    date = meta.get("date", "2023-01-01") + "T09:00:00Z"
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{X(meta["title"])}</dc:title><dc:creator>{X(meta.get("creator", ""))}</dc:creator>'
            f'<cp:lastModifiedBy>{X(meta.get("creator", ""))}</cp:lastModifiedBy><cp:revision>3</cp:revision>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified></cp:coreProperties>')
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           '<Application>provisio corpus gen.py</Application><DocSecurity>0</DocSecurity></Properties>')
    parts = [("[Content_Types].xml", content_types), ("_rels/.rels", rels),
             ("word/document.xml", document), ("word/_rels/document.xml.rels", doc_rels),
             ("word/styles.xml", styles), ("word/settings.xml", settings), ("word/footer1.xml", footer),
             ("docProps/core.xml", core), ("docProps/app.xml", app)]
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts:
            zi = zipfile.ZipInfo(name, date_time=(2023, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data.encode("utf-8"), compresslevel=9)
    return buf.getvalue()


# --------------------------------------------------------------------------
# PDF post-processing: make LibreOffice output reproducible

def normalize_pdf(data, meta):
    """Replace the volatile creation date, /ID and /DocChecksum of a LibreOffice PDF with
    fixed values of the same byte length, so xref offsets stay valid.
    (build.sh runs soffice with TZ=UTC, so the timezone tail is stable.)"""
    base = ("D:" + meta.get("date", "2023-01-01").replace("-", "") + "090000").encode()

    def fix_date(m):
        old = m.group(1)
        if len(old) < len(base):
            sys.exit(f"{meta['out']}: unexpected PDF date {old!r}")
        return m.group(0).replace(old, base + old[len(base):])

    data = re.sub(rb"/(?:CreationDate|ModDate)\s*\((D:[^)]*)\)", fix_date, data)
    data = re.sub(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]",
                  lambda m: fix_id(m, meta["out"]), data)
    # LibreOffice also writes a /DocChecksum that covers the volatile date
    data = re.sub(rb"/DocChecksum\s*/([0-9A-Fa-f]{32})",
                  lambda m: m.group(0).replace(m.group(1), hashlib.md5(b"sum:" + meta["out"].encode()).hexdigest().upper().encode()),
                  data)
    return data


def fix_id(m, name):
    h = hashlib.md5(name.encode()).hexdigest().upper()
    a = (h * 4)[: len(m.group(1))].encode()
    b = (h * 4)[: len(m.group(2))].encode()
    return m.group(0).replace(m.group(1), a).replace(m.group(2), b)


# --------------------------------------------------------------------------

def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "all"
    srcdir = os.path.join(HERE, "docs")
    os.makedirs(BUILD, exist_ok=True)
    srcs = sorted(f for f in os.listdir(srcdir) if f.endswith(".src"))
    for name in srcs:
        meta, body = parse_source(os.path.join(srcdir, name))
        kind = meta["kind"]
        if mode == "pdf-post":
            if kind == "pdf":
                stem = os.path.splitext(name)[0]
                with open(os.path.join(BUILD, stem + ".pdf"), "rb") as f:
                    write_out(meta, normalize_pdf(f.read(), meta))
            continue
        if kind == "raw":
            write_out(meta, encode(body, meta))
        elif kind == "text":
            write_out(meta, encode(render_text(meta, parse_blocks(body)), meta))
        elif kind in HTML_TEMPLATES:
            write_out(meta, encode(HTML_TEMPLATES[kind](meta, parse_blocks(body)), meta))
        elif kind == "docx":
            write_out(meta, render_docx(meta, parse_blocks(body)))
        elif kind == "pdf":
            stem = os.path.splitext(name)[0]
            with open(os.path.join(BUILD, stem + ".fodt"), "w", encoding="utf-8") as f:
                f.write(render_fodt(meta, parse_blocks(body)))
            print(f"  build/{stem}.fodt  (for {meta['out']})")
        else:
            sys.exit(f"{name}: unknown kind {kind}")


if __name__ == "__main__":
    main()
