package auth

// Role is what a signed-in person may do: a client's employee sees their company's tickets
// and the articles for clients; agents and admins (staff) see everything, and admins run the
// installation. The zero Role is an anonymous visitor. The schema's CHECK on users.role
// states the same values.
type Role string

// The roles.
const (
	Anonymous Role = ""
	Client    Role = "client"
	Agent     Role = "agent"
	Admin     Role = "admin"
)

// Roles are the roles a user account can have.
var Roles = []Role{Client, Agent, Admin}

// IsStaff reports whether the role is an agent's or an admin's.
func (r Role) IsStaff() bool { return r == Agent || r == Admin }

// Valid reports whether r is a user account's role.
func (r Role) Valid() bool { return r == Client || r == Agent || r == Admin }
