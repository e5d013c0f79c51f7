import { Field, InputType } from '@nestjs/graphql';
import { IsBase64, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

@InputType({ description: 'A file sent inline as base64 (small files; larger ones go to POST /library/documents/:id/files).' })
export class AttachLibraryFileInput {
  @Field()
  @IsUUID()
  documentId!: string;

  @Field()
  @IsString()
  @Length(1, 255)
  // No path separators or control characters: the name goes into a Content-Disposition header.
  // eslint-disable-next-line no-control-regex
  @Matches(/^[^/\\\u0000-\u001f]+$/, { message: 'fileName must be a plain file name' })
  fileName!: string;

  @Field({ nullable: true, description: 'Declared MIME type; checked against the bytes.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  contentType?: string;

  @Field()
  @IsBase64()
  contentBase64!: string;
}

@InputType()
export class DetachLibraryFileInput {
  @Field()
  @IsUUID()
  documentId!: string;

  @Field()
  @Matches(/^[0-9a-f]{64}$/)
  sha256!: string;
}

@InputType({ description: "A file to erase from the libraries, every document and version that holds it: bytes, extracted text and links." })
export class PurgeLibraryFileInput {
  @Field()
  @Matches(/^[0-9a-f]{64}$/)
  sha256!: string;

  @Field({ description: 'Why (kept in the audit log): e.g. the file holds a survivor’s personal data.' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}
