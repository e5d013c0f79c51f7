/** The eight founding members of the Association: synthetic organisations for the demo. */
export const FOUNDING_MEMBERS = [
  { name: 'Crisis Centre "Gulrukhsor", Khujand', centreType: 'crisis_centre', region: 'TJ-SU', district: null, contactEmail: 'office@gulrukhsor.example.tj' },
  { name: 'Dushanbe Women\'s Shelter "Panoh"', centreType: 'shelter', region: 'TJ-DU', district: null, contactEmail: 'info@panoh.example.tj' },
  { name: 'National Trust Line "Khati Bovari"', centreType: 'hotline', region: 'TJ-DU', district: null, contactEmail: 'line@khatibovari.example.tj' },
  { name: 'Bokhtar Legal Aid Task Force', centreType: 'district_task_force_legal_aid', region: 'TJ-KT', district: null, contactEmail: 'legal@bokhtar-taskforce.example.tj' },
  { name: 'Crisis Centre "Nasimi Navruz", Kulob', centreType: 'crisis_centre', region: 'TJ-KT', district: null, contactEmail: 'kulob@nasiminavruz.example.tj' },
  { name: 'Khorog Family Support Centre "Bunyod"', centreType: 'crisis_centre', region: 'TJ-GB', district: null, contactEmail: 'khorog@bunyod.example.tj' },
  { name: 'Vahdat District Task Force on Domestic Violence', centreType: 'district_task_force_legal_aid', region: 'TJ-RA', district: null, contactEmail: 'vahdat@taskforce.example.tj' },
  { name: 'Istaravshan Resource Centre "Zanoni Sharq"', centreType: 'resource_centre', region: 'TJ-SU', district: null, contactEmail: 'istaravshan@zanonisharq.example.tj' },
] as const;
