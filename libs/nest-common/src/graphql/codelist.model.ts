import { Field, ObjectType } from '@nestjs/graphql';
import type { Codelist } from '@paivand/schema';

/** A label in the standard's three languages. */
@ObjectType('Labels')
export class LabelsModel {
  @Field() tg!: string;
  @Field() ru!: string;
  @Field() en!: string;
}

@ObjectType('Code')
export class CodeModel {
  @Field() code!: string;
  @Field(() => LabelsModel) labels!: LabelsModel;
  @Field(() => String, { nullable: true }) parent!: string | null;
}

/** A codelist of the standard as both apps serve it (the hub's standard versions, a node's register). */
@ObjectType('Codelist')
export class CodelistModel {
  @Field() id!: string;
  @Field(() => LabelsModel) name!: LabelsModel;
  @Field(() => String, { nullable: true }) parentCodelist!: string | null;
  @Field(() => [CodeModel]) codes!: CodeModel[];
}

export const toCodelistModel = (l: Codelist): CodelistModel => ({
  id: l.id,
  name: l.name,
  parentCodelist: l.parentCodelist ?? null,
  codes: l.codes.map((c) => ({ code: c.code, labels: c.labels, parent: c.parent ?? null })),
});
