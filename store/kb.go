package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"golang.org/x/text/unicode/norm"

	"helpdesk/markdown"
	"helpdesk/search"
)

// Category groups KB articles.
type Category struct {
	ID        int64     `db:"id" json:"id"`
	Name      string    `db:"name" json:"name"`
	Slug      string    `db:"slug" json:"slug"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

// Article is a knowledge-base article; Body is markdown.
type Article struct {
	ID          int64      `db:"id" json:"id"`
	Slug        string     `db:"slug" json:"slug"`
	Title       string     `db:"title" json:"title"`
	Body        string     `db:"body" json:"body"`
	BodyText    string     `db:"body_text" json:"-"` // Body without markdown, what search matches
	CategoryID  *int64     `db:"category_id" json:"-"`
	Category    string     `db:"category" json:"category"`
	Tags        []string   `db:"tags" json:"tags"`
	Locale      string     `db:"locale" json:"locale"`
	Audience    string     `db:"audience" json:"audience"`
	Status      string     `db:"status" json:"status"`
	AuthorID    *int64     `db:"author_id" json:"author_id,omitempty"`
	CreatedAt   time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt   time.Time  `db:"updated_at" json:"updated_at"`
	PublishedAt *time.Time `db:"published_at" json:"published_at,omitempty"`
	Version     int64      `db:"version" json:"version"`
}

const articleSelect = `SELECT a.id, a.slug, a.title, a.body, a.body_text, a.category_id, coalesce(c.name, '') AS category,
	a.tags, a.locale, a.audience, a.status, a.author_id, a.created_at, a.updated_at, a.published_at, a.version
	FROM kb_articles a LEFT JOIN kb_categories c ON c.id = a.category_id`

// NewArticle is what writing a KB article needs. Category is a name; an unknown one is created.
type NewArticle struct {
	Slug     string // empty: derived from the title
	Title    string
	Body     string
	Category string
	Tags     []string
	Locale   string // es or en; empty means es
	Audience string // public, clients or internal; empty means public
	Status   string // draft or published; empty means draft
	AuthorID *int64
}

// CreateArticle inserts an article, creating its category when the name is new.
func (s *Store) CreateArticle(ctx context.Context, a NewArticle) (*Article, error) {
	if a.Slug == "" {
		a.Slug = Slugify(a.Title)
	}
	if a.Locale == "" {
		a.Locale = "es"
	}
	if a.Audience == "" {
		a.Audience = "public"
	}
	if a.Status == "" {
		a.Status = "draft"
	}
	if a.Tags == nil {
		a.Tags = []string{}
	}
	var out *Article
	err := s.Transact(ctx, func(tx *Store) error {
		catID, err := tx.categoryID(ctx, a.Category)
		if err != nil {
			return err
		}
		var id int64
		text := markdown.PlainText(a.Body)
		vec, src := articleVector(tx.an, a.Title, text, a.Locale)
		err = tx.db.QueryRow(ctx, `INSERT INTO kb_articles
			(slug, title, body, body_text, category_id, tags, locale, audience, status, author_id, published_at, search_vec, vec_source, vec_version)
			VALUES ($1, $2, $3, $10, $4, $5, $6, $7, $8, $9, CASE WHEN $8 = 'published' THEN now() END, $11, $12, $13)
			RETURNING id`,
			a.Slug, a.Title, a.Body, catID, a.Tags, a.Locale, a.Audience, a.Status, a.AuthorID, text, vec, src, vectorVersion).Scan(&id)
		if err != nil {
			return fmt.Errorf("create article: %w", classify(err))
		}
		out, err = tx.Article(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Article returns the article with the given id, whoever asks; callers apply access rules.
func (s *Store) Article(ctx context.Context, id int64) (*Article, error) {
	rows, err := s.db.Query(ctx, articleSelect+` WHERE a.id = $1`, id)
	return one[Article](rows, err, fmt.Sprintf("article %d", id))
}

// ArticleBySlug returns the article with the given slug.
func (s *Store) ArticleBySlug(ctx context.Context, slug string) (*Article, error) {
	return onReplica(ctx, s, func(s *Store) (*Article, error) {
		rows, err := s.db.Query(ctx, articleSelect+` WHERE a.slug = $1`, slug)
		return one[Article](rows, err, "article "+slug)
	})
}

// ArticlePatch holds the fields an update changes; nil fields stay as they are.
type ArticlePatch struct {
	Slug, Title, Body, Category, Locale, Audience, Status *string
	Tags                                                  *[]string
	IfVersion                                             *int64
}

// UpdateArticle applies a patch and returns the article as stored.
func (s *Store) UpdateArticle(ctx context.Context, id int64, p ArticlePatch) (*Article, error) {
	var out *Article
	err := s.Transact(ctx, func(tx *Store) error {
		var (
			version             int64
			title, text, locale string
		)
		if err := tx.db.QueryRow(ctx, `SELECT version, title, body_text, locale FROM kb_articles WHERE id = $1 FOR UPDATE`, id).
			Scan(&version, &title, &text, &locale); err != nil {
			return fmt.Errorf("update article %d: %w", id, classify(err))
		}
		if p.IfVersion != nil && *p.IfVersion != version {
			return fmt.Errorf("update article %d: %w", id, Conflict("it changed since version %d (now %d)", *p.IfVersion, version))
		}
		var catID *int64
		if p.Category != nil {
			c, err := tx.categoryID(ctx, *p.Category)
			if err != nil {
				return err
			}
			catID = c
		}
		var tags []string
		if p.Tags != nil {
			tags = *p.Tags
			if tags == nil {
				tags = []string{}
			}
		}
		if p.Title != nil {
			title = *p.Title
		}
		if p.Body != nil {
			text = markdown.PlainText(*p.Body)
		}
		if p.Locale != nil {
			locale = *p.Locale
		}
		vec, src := articleVector(tx.an, title, text, locale)
		_, err := tx.db.Exec(ctx, `UPDATE kb_articles SET
				slug        = coalesce($2, slug),
				title       = $3,
				body        = coalesce($4, body),
				body_text   = $11,
				search_vec  = $12,
				vec_source  = $13,
				vec_version = $14,
				category_id = CASE WHEN $5 THEN $6 ELSE category_id END,
				tags        = coalesce($7, tags),
				locale      = coalesce($8, locale),
				audience    = coalesce($9, audience),
				status      = coalesce($10, status),
				published_at = CASE WHEN coalesce($10, status) = 'published' THEN coalesce(published_at, now()) END,
				updated_at  = greatest(now(), created_at)
			WHERE id = $1`,
			id, p.Slug, title, p.Body, p.Category != nil, catID, tags, locale, p.Audience, p.Status, text, vec, src, vectorVersion)
		if err != nil {
			return fmt.Errorf("update article %d: %w", id, classify(err))
		}
		out, err = tx.Article(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteArticle removes an article.
func (s *Store) DeleteArticle(ctx context.Context, id int64) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM kb_articles WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete article %d: %w", id, classify(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete article %d: %w", id, ErrNotFound)
	}
	return nil
}

// Categories lists the KB categories by name.
func (s *Store) Categories(ctx context.Context) ([]Category, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name, slug, created_at FROM kb_categories ORDER BY lower(name)`)
	return all[Category](rows, err, "list categories")
}

// RenameCategory changes a category's name; its articles are re-indexed with it.
func (s *Store) RenameCategory(ctx context.Context, id int64, name string) error {
	tag, err := s.db.Exec(ctx, `UPDATE kb_categories SET name = $2 WHERE id = $1`, id, strings.TrimSpace(name))
	if err != nil {
		return fmt.Errorf("rename category %d: %w", id, classify(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("rename category %d: %w", id, ErrNotFound)
	}
	return nil
}

// categoryID finds a category by name, case-insensitively, creating it when missing. An empty
// name means no category.
func (s *Store) categoryID(ctx context.Context, name string) (*int64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, nil
	}
	slug := Slugify(name)
	if slug == "" {
		return nil, Invalid("category", "%q needs letters or digits", name)
	}
	var id int64
	// ON CONFLICT DO UPDATE (a no-op) makes RETURNING yield the existing row. It only covers
	// the name's index: two writers creating one category at once could both pass it and the
	// second trip over the slug's. The lock makes the second wait for the first to commit.
	err := s.db.QueryRow(ctx, `WITH lock AS (SELECT pg_advisory_xact_lock(hashtext('kb_categories:' || $2)))
		INSERT INTO kb_categories (name, slug) SELECT $1, $2 FROM lock
		ON CONFLICT (lower(name)) DO UPDATE SET name = kb_categories.name RETURNING id`, name, slug).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("category %q: %w", name, classify(err))
	}
	return &id, nil
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// Slugify turns a title into a URL slug: accents folded, lowercase, hyphen-separated.
func Slugify(title string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		if r < 0x300 || r > 0x36f { // drop combining accents
			b.WriteRune(r)
		}
	}
	s := strings.Trim(nonSlug.ReplaceAllString(b.String(), "-"), "-")
	if len(s) > 100 {
		s = strings.TrimRight(s[:100], "-")
	}
	return s
}

// PublishedArticles lists the newest published articles whose audience is one of audiences.
func (s *Store) PublishedArticles(ctx context.Context, audiences []string, limit int) ([]Article, error) {
	return onReplica(ctx, s, func(s *Store) ([]Article, error) {
		rows, err := s.db.Query(ctx, articleSelect+` WHERE a.status = 'published' AND a.audience = ANY($1)
			ORDER BY a.updated_at DESC, a.id DESC LIMIT $2`, audiences, limit)
		return all[Article](rows, err, "published articles")
	})
}

// CategoryArticles is a category with the newest articles a reader may see in it.
type CategoryArticles struct {
	Category string
	Slug     string
	Total    int64
	Articles []Article
}

// KBIndex lists, per category, how many articles the reader may see and the perCategory most
// recently updated of them. Drafts are listed only when withDrafts is set (staff).
func (s *Store) KBIndex(ctx context.Context, audiences []string, withDrafts bool, perCategory int) ([]CategoryArticles, error) {
	return onReplica(ctx, s, func(s *Store) ([]CategoryArticles, error) {
		rows, err := s.db.Query(ctx, `SELECT * FROM (
				SELECT a.id, a.slug, a.title, ''::text AS body, ''::text AS body_text, a.category_id, coalesce(c.name, '') AS category, a.tags, a.locale,
					a.audience, a.status, a.author_id, a.created_at, a.updated_at, a.published_at, a.version,
					coalesce(c.slug, '') AS category_slug,
					row_number() OVER (PARTITION BY a.category_id ORDER BY a.updated_at DESC, a.id DESC) AS n,
					count(*) OVER (PARTITION BY a.category_id) AS total
				FROM kb_articles a LEFT JOIN kb_categories c ON c.id = a.category_id
				WHERE a.audience = ANY($1) AND ($2 OR a.status = 'published')) x
			WHERE n <= $3 ORDER BY lower(category), n`, audiences, withDrafts, perCategory)
		if err != nil {
			return nil, fmt.Errorf("kb index: %w", err)
		}
		type row struct {
			Article
			CategorySlug string `db:"category_slug"`
			N            int64  `db:"n"`
			Total        int64  `db:"total"`
		}
		list, err := pgx.CollectRows(rows, pgx.RowToStructByNameLax[row])
		if err != nil {
			return nil, fmt.Errorf("kb index: %w", err)
		}
		var out []CategoryArticles
		for _, r := range list {
			if len(out) == 0 || out[len(out)-1].Category != r.Category {
				out = append(out, CategoryArticles{Category: r.Category, Slug: r.CategorySlug, Total: r.Total})
			}
			last := &out[len(out)-1]
			last.Articles = append(last.Articles, r.Article)
		}
		return out, nil
	})
}

// ArticleFilter narrows an article list; Audiences and WithDrafts are the reader's access.
type ArticleFilter struct {
	Category *string
	Limit    int
	Offset   int
}

// Articles lists the articles v may read that pass f, newest first, with the total.
func (s *Store) Articles(ctx context.Context, v search.Viewer, f ArticleFilter) ([]Article, int64, error) {
	page, err := onReplica(ctx, s, func(s *Store) (counted[Article], error) {
		list, total, err := s.articles(ctx, v, f)
		return counted[Article]{list, total}, err
	})
	return page.list, page.total, err
}

func (s *Store) articles(ctx context.Context, v search.Viewer, f ArticleFilter) ([]Article, int64, error) {
	p := params{f.Category}
	where := append([]string{"($1::text IS NULL OR lower(c.name) = lower($1))"}, ArticleAccess(v, "a", "a.status = 'published'", p.add)...)
	cond := " WHERE " + strings.Join(where, " AND ")
	var total int64
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM kb_articles a LEFT JOIN kb_categories c ON c.id = a.category_id`+cond, p...).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("count articles: %w", classify(err))
	}
	// The statement first, then its arguments: p grows as it is written.
	page := articleSelect + cond + ` ORDER BY a.updated_at DESC, a.id DESC LIMIT ` + p.add(f.Limit) + ` OFFSET ` + p.add(f.Offset)
	rows, err := s.db.Query(ctx, page, p...)
	list, err := all[Article](rows, err, "list articles")
	return list, total, err
}

// KBState says how many times the knowledge base (articles, categories) changed, and when it
// last did: portals compare the count with what they last saw to know whether the pages they
// keep are still current. LSN is the primary's WAL position when it was read: a page rendered
// from a replica that has replayed that far shows that state, not an older one.
type KBState struct {
	Changes   int64
	ChangedAt time.Time
	LSN       LSN
}

// KBState reads the knowledge base's change count.
func (s *Store) KBState(ctx context.Context) (KBState, error) {
	var k KBState
	var lsn string
	if err := s.db.QueryRow(ctx, `SELECT changes, changed_at, pg_current_wal_insert_lsn()::text FROM kb_state`).Scan(&k.Changes, &k.ChangedAt, &lsn); err != nil {
		return k, fmt.Errorf("kb state: %w", err)
	}
	var err error
	k.LSN, err = ParseLSN(lsn)
	return k, err
}
