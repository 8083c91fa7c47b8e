package markdown

import ("testing";"fmt";"sort";"github.com/alecthomas/chroma/v2")

func TestZZClasses(t *testing.T) {
	var s []string
	for _, v := range chroma.StandardTypes { s = append(s, v) }
	sort.Strings(s)
	fmt.Println(len(s), s)
}
