// Package logcheck checks what the project's processes log: one JSON object a line, each key
// once. Log pipelines reject a line with a repeated key or keep one of its values silently.
package logcheck

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Lines reads r to its end and returns an error naming the first line that is not a JSON
// object or repeats a key at any depth. Blank lines are allowed.
func Lines(r io.Reader) (n int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if err := Object(b); err != nil {
			return n, fmt.Errorf("line %d: %w: %.300s", line, err, b)
		}
		n++
	}
	return n, sc.Err()
}

// Object reports whether b is one JSON object whose objects name each key once.
func Object(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if tok != json.Delim('{') {
		return errors.New("not a JSON object")
	}
	if err := object(dec, ""); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one value")
	}
	return nil
}

// object reads the members of an object whose '{' was read.
func object(dec *json.Decoder, path string) error {
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("not JSON: %w", err)
		}
		key := tok.(string)
		if seen[key] {
			return fmt.Errorf("key %q repeated", path+key)
		}
		seen[key] = true
		if err := value(dec, path+key+"."); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}

func value(dec *json.Decoder, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	switch tok {
	case json.Delim('{'):
		return object(dec, path)
	case json.Delim('['):
		for dec.More() {
			if err := value(dec, path); err != nil {
				return err
			}
		}
		_, err = dec.Token() // ']'
		return err
	}
	return nil
}
