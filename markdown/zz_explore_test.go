package markdown

import ("testing";"fmt")

func TestZZExplore(t *testing.T) {
	for _, s := range []string{
		"## Configuración de red\n\n## Straße & Co\n\n## Paso <b>1</b> [link](http://x.y) `code`\n\nSetext\nheading\n---\n\n## Q&amp;A \\* x\n\n## Привет\n\n## Привет",
		"| a | b | c |\n|:-:|--:|:--|\n| 1 | 2 | 3 |",
		"- [x] done\n- [ ] todo",
		"```go\nfunc main() { x := \"s\" // c\n}\n```\n\n```\nplain\n```\n\n```foo\nbar\n```\n\n```go {linenos=table,hl_lines=[1]}\nx := 1\n```\n\n```python {linenos=inline}\nx = 1\n```",
		"Visit https://example.com and www.example.org and foo@example.com, [rel](/kb/x), [frag](#top), [proto](//evil.example/x), <https://a.example>, [m](mailto:a@b.c)",
		"<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\nx <span onclick=1>y</span>\n\n<div>blk</div>\n\n![i](https://img.example/x.png)",
		"~~del~~",
	} {
		fmt.Printf("%s\n=====\n", Render(s).HTML)
	}
}
