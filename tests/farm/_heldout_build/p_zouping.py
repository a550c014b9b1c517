from common import Portal

CHALLENGE = '''<html><script>
var arg1='3B7E1F0A9C2D4E6F8A1B3C5D7E9F0A2B4C6D8E0F';
var _0x5e8b26=['\\x63\\x73\\x4b\\x48\\x77\\x71\\x4d\\x49','\\x66\\x38\\x4f\\x57\\x77\\x6f\\x6e\\x44','\\x57\\x4f\\x70\\x63\\x56\\x43\\x6b\\x73'];
(function(_0x4d8f3e,_0x2c0b1a){var _0x1a5e7d=function(_0x3f1c2b){while(--_0x3f1c2b){_0x4d8f3e['push'](_0x4d8f3e['shift']());}};_0x1a5e7d(++_0x2c0b1a);}(_0x5e8b26,0x1c3));
var _0x55f3=function(_0x4da8ab,_0x1cd4c4){_0x4da8ab=_0x4da8ab-0x0;var _0x1a0d4f=_0x5e8b26[_0x4da8ab];return _0x1a0d4f;};
var l=function(){while(window._phantom||window.__phantomas){};var _0x5e2a7c=0x5e2a7c;};
function setCookie(name,value){var expiredate=new Date();expiredate.setTime(expiredate.getTime()+(3600*1000));document.cookie=name+"="+value+";expires="+expiredate.toGMTString()+";max-age=3600;path=/";}
function reload(x){setCookie("acw_sc__v2",x);document.location.reload();}
l();
</script></html>'''


def build() -> Portal:
    p = Portal("zouping", "邹平市人民政府", "371681", "Alibaba Cloud WAF (acw_sc__v2 slider-less JS challenge, HTTP 200)",
               """邹平市 (Shandong): the site sits behind Alibaba Cloud's WAF, which answers every request with its JS
challenge (HTTP 200, `var arg1=…`, `setCookie("acw_sc__v2", x)`) until a browser has run it. Nothing behind
it can be read: the portal must be recorded as blocked, with nothing stored.""")
    for path in ("/", "/index.html", "/robots.txt", "/col/col1234/index.html", "/zwgk/"):
        p.routes[path] = {"body": CHALLENGE, "content_type": "text/html",
                          "headers": {"Content-Type": "text/html", "Set-Cookie": "acw_tc=2f624a1c17113201234567890e8b1d3a; path=/; HttpOnly; Max-Age=1800"}}

    def patch(truth):
        truth["blocked"] = True
        truth["behind_waf"] = [{"path": "/zwgk/", "title": "政务公开", "status": 200}]
    p.expect_patch = patch
    return p
