// The word lists the synthetic CRM data is drawn from. Their order is part of
// the data set: reordering them changes what a seed produces.

// Non-ASCII letters and apostrophes on purpose: they exercise encoding,
// masking (INITIALS) and SQL-injection safety with every query.
export const FIRST_NAMES = ('Zoë José Åsa Chloé François Søren Björn Renée Mónica Łukasz Amélie Noël Anaïs Jürgen ' +
  'Siobhán Maria James Olivia Liam Emma Noah Ava Lucas Mia Ethan Sophia Mateo Isabella Aiden Amara Kwame ' +
  'Priya Arjun Mei Hiroshi Yuki Fatima Omar Aisha Ivan Elena Dmitri Ingrid Lars Seán Grace Daniel Leah ' +
  'Samuel Nora Ayşe Thảo Kofi Ana Paul').split(' ');
export const LAST_NAMES = ("Ångström O'Brien García Müller Núñez D'Angelo Smith Johnson Williams Brown Jones Miller " +
  'Davis Rodríguez Martínez Hernández López Wilson Anderson Taylor Moore Jackson Martin Lee Nguyễn Kim ' +
  "Patel Singh Chen Wang Okafor Mensah Kowalski Novák Jensen Larsen Schröder Dubois Lefèvre Rossi O'Neill " +
  'MacDonald Fitzgerald Yılmaz Papadopoulos Cohen Haddad Sato Tanaka Silva Pereira Østergaard').split(' ');
export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];
export const STREET_NAMES = ("Maple Oak Cedar Elm Washington Lake Hill Park Main Pine Sunset River Church Mill " +
  "Highland O'Connell Jefferson Lincoln Spring Willow Meadow Forest Harbor Chestnut Birch").split(' ');
export const STREET_SUFFIXES = ['Street', 'Avenue', 'Road', 'Lane', 'Boulevard', 'Drive', 'Court', 'Way'];
// city, first three digits of its ZIP codes, telephone area code
export const CITIES: readonly (readonly [string, string, string])[] = (
  'New York,100,212;Los Angeles,900,213;Chicago,606,312;Houston,770,713;Phoenix,850,602;' +
  'Philadelphia,191,215;San Antonio,782,210;San Diego,921,619;Dallas,752,214;San Jose,951,408;' +
  'Austin,787,512;Jacksonville,322,904;Columbus,432,614;Charlotte,282,704;Indianapolis,462,317;' +
  'San Francisco,941,415;Seattle,981,206;Denver,802,303;Boston,021,617;Nashville,372,615;' +
  'Detroit,482,313;Portland,972,503;Las Vegas,891,702;Memphis,381,901;Louisville,402,502;' +
  'Baltimore,212,410;Milwaukee,532,414;Albuquerque,871,505;Minneapolis,554,612;Miami,331,305;' +
  'Atlanta,303,404;Coeur d’Alene,838,208'
)
  .split(';')
  .map((s) => s.split(',') as [string, string, string]);
export const SHOPPING_HABITS = ['online', 'in-store', 'weekend', 'discount-seeker', 'electronics', 'groceries', 'fashion', 'premium'];
export const SEGMENTS = ['standard', 'premium', 'student', 'senior', 'business'];
export const ETHNICITIES = ['Asian', 'Black', 'Hispanic or Latino', 'Middle Eastern or North African', 'White', 'Mixed', 'Other'];
export const RELIGIONS = ['Buddhism', 'Christianity', 'Hinduism', 'Islam', 'Judaism', 'Sikhism', 'No religion', 'Other'];
export const ORDER_CATEGORIES = ['electronics', 'groceries', 'fashion', 'home', 'beauty', 'sports', 'books', 'toys', 'garden', 'travel'];
export const CONSENT_CHANNELS = ['web', 'app', 'phone', 'store', 'email'];

