import { Type } from '@nestjs/common';
import { Field, Int, ObjectType } from '@nestjs/graphql';

/** One page of a register list (clients, incidents, consultations): the items from `offset`, and how many there are in all. */
export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
}

/** The GraphQL type of a page of `item`s (`@ObjectType('XPage') class XPageModel extends pageOf(XModel) {}`). */
export function pageOf<T>(item: Type<T>): Type<Page<T>> {
  @ObjectType({ isAbstract: true })
  abstract class PageModel implements Page<T> {
    @Field(() => [item])
    items!: T[];

    @Field(() => Int)
    total!: number;

    @Field(() => Int)
    offset!: number;
  }
  return PageModel as unknown as Type<Page<T>>;
}
