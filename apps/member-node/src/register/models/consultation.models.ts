import { Field, ID, ObjectType } from '@nestjs/graphql';
import { pageOf } from './page.model';

@ObjectType('Consultation')
export class ConsultationModel {
  @Field(() => ID)
  id!: string;

  @Field()
  consultationCode!: string;

  @Field(() => String, { nullable: true })
  callerCode!: string | null;

  @Field()
  date!: string;

  @Field()
  topic!: string;

  @Field()
  callerSex!: string;

  @Field(() => String, { nullable: true })
  callerAgeBand!: string | null;

  @Field(() => String, { nullable: true })
  district!: string | null;

  @Field()
  callerIsSurvivor!: boolean;

  @Field(() => String, { nullable: true })
  referredTo!: string | null;

  @Field()
  consentReporting!: boolean;

  @Field(() => String, { nullable: true, description: 'Decrypted only when one consultation is read (written to the access log); null in lists' })
  notes!: string | null;
}

@ObjectType('ConsultationPage')
export class ConsultationPageModel extends pageOf(ConsultationModel) {}
