package corpus

// CompanyNames are the demo client companies. The generator treats names with an English legal
// form (Ltd, LLP, PLC, Inc, Group, Limited, Partners) as English-speaking clients, so Spanish
// names must avoid those words; the first three get demo logins, so both languages lead.
var CompanyNames = []string{
	"Construcciones Ibáñez S.L.",
	"Harbour Logistics Ltd",
	"Clínica Dental Sonrisa",
	"Whitfield & Crane LLP",
	"Asesoría Fiscal Peñalver y Asociados",
	"Northbridge Dental Group",
	"Transportes Hermanos Núñez S.A.",
	"Pennington Architects Ltd",
	"Bodegas Viña Almazán S.L.",
	"Blackwood Financial Partners",
	"Estudio de Arquitectura Lóriga",
	"Greenway Property Management Ltd",
	"Gestoría Muñoz y Vidal",
	"Oakridge Veterinary Group",
	"Inmobiliaria Costa Cálida S.L.",
	"Thames Valley Engineering Ltd",
	"Farmacia Santa Águeda",
	"Kingsley Recruitment Limited",
	"Talleres Mecánicos Urrutia S.L.",
	"Ashford & Moore Solicitors LLP",
	"Óptica Visión Clara",
	"Brightside Marketing Ltd",
	"Colegio San Ignacio de Loyola",
	"Castlegate Hotels PLC",
	"Abogados Castellanos y Ruiz",
	"Riverside Medical Partners",
	"Distribuciones Alimentarias del Cantábrico S.A.",
	"Sterling Accountancy Group",
	"Hotel Marina Bahía",
	"O'Connor Building Services Ltd",
	"Laboratorios Biogénesis S.L.",
	"Meridian Software Inc",
	"Ingeniería Térmica Levante S.L.",
	"Lakeside Care Homes Ltd",
	"Fundación Educativa Nuevo Horizonte",
	"Fenwick Wealth Partners",
	"Editorial Páginas Doradas",
	"Corbridge Printing Ltd",
	"Centro de Fisioterapia Equilibrio",
	"Hawthorn Education Group",
	"Panadería Artesana El Molino S.L.",
	"Peñafiel Wines Ltd",
	"Agencia de Viajes Mundoaventura",
	"Muñoz & Hartley Partners",
	"Cooperativa Agrícola Tierra de Campos",
	"Silverline Dental Limited",
	"Mutua Deportiva Guadalquivir",
	"Iberian Olive Imports Ltd",
}

// FirstNames mixes Spanish and English given names, with their accents.
var FirstNames = []string{
	"José", "María", "Íñigo", "Begoña", "Lucía", "Javier", "Carmen", "Álvaro",
	"Sofía", "Andrés", "Raúl", "Marta", "Nuria", "Sergio", "Pilar", "Jesús",
	"Ainhoa", "Iñaki", "Elena", "Rocío", "Adrián", "Mónica", "Óscar", "Inés",
	"Ramón", "Ángela", "Joaquín", "Paula", "Tomás", "Macarena", "Chloe", "Oliver",
	"James", "Emma", "Olivia", "Harry", "Charlotte", "George", "Amelia", "Jack",
	"Sophie", "Thomas", "Emily", "William", "Grace", "Daniel", "Hannah", "Siobhán",
	"Liam", "Priya", "Aisha", "Noah",
}

// LastNames mixes Spanish, British and Irish surnames.
var LastNames = []string{
	"García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
	"Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz",
	"Álvarez", "Romero", "Gutiérrez", "Navarro", "Domínguez", "Vázquez", "Ramírez", "Iglesias",
	"Ibáñez", "Etxeberria", "Castaño", "Peña", "Núñez", "Calderón", "Smith", "Jones",
	"Taylor", "Brown", "Williams", "Wilson", "Evans", "Roberts", "O'Brien", "Murphy",
	"Walsh", "MacDonald", "Patel", "Khan", "Clarke", "Hughes", "Wright", "Hall",
}
