import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';

@InputType()
export class ModerateLibraryDocumentInput {
  @Field()
  @IsUUID()
  id!: string;

  @Field({ nullable: true, description: "The reviewer's note to the author (required when asking for changes or rejecting)." })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  note?: string;
}
